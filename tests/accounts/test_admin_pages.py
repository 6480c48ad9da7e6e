"""Admin pages: only admins; users, roles, memberships and identities changed and audited."""

import html

import pytest
import sqlalchemy as sa

from deftweb.models import AuditEvent, GlobalRole, GrantSource, Membership, User, UserRole, db

DN = "/DC=ch/DC=cern/OU=Robots/CN=robot"


@pytest.fixture
def admin(make, login_as):
    return login_as(make.user(roles=(GlobalRole.ADMIN,)))


def users_table(page: str) -> str:
    return page.split('id="users"')[1].split("</table>")[0]


def actions(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    )


@pytest.mark.parametrize(
    "roles", [(), (GlobalRole.PRODUCTION_MANAGER,), (GlobalRole.MC_COORDINATOR,)]
)
def test_only_admins_may_open_admin_pages(client, login_as, make, roles):
    someone = login_as(make.user(roles=roles, groups={"HIGG": "convener"}))
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{someone.id}").status_code == 403
    assert (
        client.post(f"/admin/users/{someone.id}/roles", data={"role": "admin"}).status_code == 403
    )
    assert someone.global_roles == set(roles)


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/admin/users").status_code == 302


def test_search_users(client, admin, make):
    make.user("zebra-hunter", email="zh@example.cern")
    table = users_table(client.get("/admin/users?q=ZEBRA").text)
    assert "zebra-hunter" in table
    assert admin.username not in table


def test_disable_and_enable(client, admin, make):
    user = make.user()
    token = user.session_token
    client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert not user.is_active
    assert user.session_token != token
    client.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    assert user.is_active
    assert actions(user) == ["user_disabled", "user_enabled"]


def test_admin_cannot_disable_themselves(client, admin):
    answer = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert answer.status_code == 422
    assert "your own account" in answer.text
    assert admin.is_active


def test_grant_and_revoke_a_role_keeps_sso_roles_apart(client, admin, make):
    user = make.user()
    user.roles.append(UserRole(role=GlobalRole.PRODUCTION_MANAGER, source=GrantSource.SSO))
    db.session.flush()
    client.post(f"/admin/users/{user.id}/roles", data={"role": "production_manager"})
    assert sorted(r.source for r in user.roles) == ["manual", "sso"]
    again = client.post(f"/admin/users/{user.id}/roles", data={"role": "production_manager"})
    assert again.status_code == 422
    client.post(f"/admin/users/{user.id}/roles/production_manager/revoke")
    assert [r.source for r in user.roles] == ["sso"]
    bad = client.post(f"/admin/users/{user.id}/roles", data={"role": "emperor"})
    assert bad.status_code == 422
    assert "a global role is one of" in bad.text
    assert actions(user) == ["role_granted", "role_revoked"]


def test_set_and_remove_a_membership(client, admin, make):
    user = make.user()
    client.post(f"/admin/users/{user.id}/memberships", data={"group": "SUSY", "role": "member"})
    client.post(f"/admin/users/{user.id}/memberships", data={"group": "SUSY", "role": "convener"})
    assert user.group_roles() == {"SUSY": "convener"}
    client.post(f"/admin/users/{user.id}/memberships", data={"group": "SUSY", "role": ""})
    assert user.memberships == []
    missing = client.post(f"/admin/users/{user.id}/memberships", data={"group": "NOPE"})
    assert missing.status_code == 404
    assert actions(user) == ["membership_set"] * 3


def test_manual_membership_lives_beside_an_sso_one(client, admin, make):
    user = make.user()
    user.memberships.append(
        Membership(working_group=make.group("HIGG"), role="member", source=GrantSource.SSO)
    )
    db.session.flush()
    client.post(f"/admin/users/{user.id}/memberships", data={"group": "HIGG", "role": "convener"})
    sources = sorted((m.source, m.role) for m in user.memberships)
    assert sources == [("manual", "convener"), ("sso", "member")]


def test_link_and_unlink_a_dn(client, admin, make):
    robot = make.user("robot")
    answer = client.post(
        f"/admin/users/{robot.id}/identities", data={"dn": "CN=robot,OU=Robots,DC=cern,DC=ch"}
    )
    assert answer.status_code == 302
    assert [i.identifier for i in robot.identities] == [DN]
    taken = client.post(f"/admin/users/{make.user().id}/identities", data={"dn": DN})
    assert taken.status_code == 422
    assert "already linked to another account" in taken.text
    bad = client.post(f"/admin/users/{robot.id}/identities", data={"dn": "nonsense"})
    assert bad.status_code == 422
    assert 'value="nonsense"' in bad.text
    client.post(f"/admin/identities/{robot.identities[0].id}/unlink")
    assert robot.identities == []
    page = client.get(f"/admin/users/{robot.id}").text
    assert "identity_unlinked" in page or "identity_linked" in page


def test_create_a_user(client, admin):
    answer = client.post(
        "/admin/users", data={"username": "svc-jedi", "display_name": "JEDI service"}
    )
    assert answer.status_code == 302
    dup = client.post("/admin/users", data={"username": "svc-jedi", "display_name": "again"})
    assert dup.status_code == 422
    assert "already a user" in dup.text


@pytest.mark.parametrize(
    ("username", "display_name", "says"),
    [
        ("jo doe", "Jo Doe", "A login name is up to 64 letters"),
        ("=HYPERLINK(1)", "Jo Doe", "A login name is up to 64 letters"),
        ("-rm", "Jo Doe", "A login name is up to 64 letters"),
        ("x" * 65, "Jo Doe", "A login name is up to 64 letters"),
        ("jodoe", "Jo\x07Doe", "display name on one line"),
    ],
)
def test_admins_make_only_login_names_single_sign_on_could(
    client, admin, username, display_name, says
):
    """The login-name rule of SSO sign-in, for accounts made by hand too (a name starting with =
    or - reached the task export as a formula)."""
    answer = client.post("/admin/users", data={"username": username, "display_name": display_name})
    assert answer.status_code == 422
    assert says in html.unescape(answer.text)
    assert db.session.scalar(sa.select(User).where(User.username == username)) is None


def test_group_pages_list_members_and_add_one_by_hand(client, admin, make):
    convener = make.user("higgs-boss", groups={"HIGG": "convener"})
    newcomer = make.user("newcomer")
    groups = client.get("/admin/groups").text
    assert 'href="/admin/groups/HIGG"' in groups
    members = client.get("/admin/groups/HIGG").text
    assert convener.username in members
    answer = client.post(
        "/admin/groups/HIGG/members", data={"username": "newcomer", "role": "member"}
    )
    assert answer.status_code == 302
    assert newcomer.group_roles() == {"HIGG": "member"}
    unknown = client.post(
        "/admin/groups/HIGG/members", data={"username": "ghost", "role": "member"}
    )
    assert unknown.status_code == 422
    assert "There is no user &#39;ghost&#39;" in unknown.text
    assert 'value="ghost"' in unknown.text
    assert client.get("/admin/groups/NOPE").status_code == 404
