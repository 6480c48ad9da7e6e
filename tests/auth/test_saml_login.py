"""SAML sign-in, the good paths: real signed assertions posted to the real ACS."""

import sqlalchemy as sa

from deftweb.models import AuditEvent, GrantSource, Identity, Membership, User, db
from tests.auth.saml_idp import CERN_ATTRIBUTES, IDP_ENTITY_ID, Assertion, encode, response, sign


def sso_login(start_sso, post_to_acs, idp_keys, next_path="/", **assertion):
    request_id, relay = start_sso(next_path)
    signed = sign(Assertion(in_response_to=request_id, **assertion).xml(), idp_keys)
    return post_to_acs(encode(response([signed], request_id)), relay)


def signed_in_as(client) -> str | None:
    answer = client.get("/api/v1/me")
    return answer.json["username"] if answer.status_code == 200 else None


def test_first_login_registers_the_user_with_mapped_attributes(start_sso, post_to_acs, idp_keys):
    client, answer = sso_login(start_sso, post_to_acs, idp_keys, next_path="/requests/7?tab=x")
    assert answer.status_code == 302
    assert answer.location == "/requests/7?tab=x"
    assert signed_in_as(client) == "alice"
    user = db.session.scalars(sa.select(User).where(User.username == "alice")).one()
    assert (user.email, user.display_name, user.person_id) == (
        "alice@cern.ch",
        "Alice Liddell",
        "123456",
    )
    identity = user.identities[0]
    assert (identity.kind, identity.issuer, identity.identifier) == ("saml", IDP_ENTITY_ID, "alice")
    assert user.group_roles() == {"HIGG": "convener"}
    assert [m.source for m in user.memberships] == [GrantSource.SSO]


def test_a_display_name_from_the_idp_is_kept_on_one_line(start_sso, post_to_acs, idp_keys):
    attributes = dict(CERN_ATTRIBUTES) | {"displayName": ["Alice\n\tBcc: all@example.cern\r"]}
    client, answer = sso_login(start_sso, post_to_acs, idp_keys, attributes=attributes)
    assert answer.status_code == 302
    user = db.session.scalars(sa.select(User).where(User.username == "alice")).one()
    assert user.display_name == "Alice Bcc: all@example.cern"


def test_second_login_finds_the_same_user(start_sso, post_to_acs, idp_keys):
    sso_login(start_sso, post_to_acs, idp_keys)
    client, _ = sso_login(start_sso, post_to_acs, idp_keys)
    assert signed_in_as(client) == "alice"
    assert db.session.scalar(sa.select(sa.func.count()).where(User.username == "alice")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Identity)) >= 1
    registered = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user_registered")
    ).all()
    assert len(registered) == 1


def test_legacy_uri_attribute_names_are_understood(start_sso, post_to_acs, idp_keys):
    claims = "http://schemas.xmlsoap.org/claims/"
    legacy = {
        claims + "CommonName": ["bob"],
        claims + "EmailAddress": ["bob@cern.ch"],
        claims + "DisplayName": ["Bob Builder"],
        claims + "PersonID": ["42"],
        claims + "Group": ["susy-members", "some-egroup"],
    }
    client, answer = sso_login(start_sso, post_to_acs, idp_keys, name_id="bob", attributes=legacy)
    assert answer.status_code == 302
    assert signed_in_as(client) == "bob"
    bob = db.session.scalars(sa.select(User).where(User.username == "bob")).one()
    assert (bob.email, bob.display_name, bob.group_roles()) == (
        "bob@cern.ch",
        "Bob Builder",
        {"SUSY": "member"},
    )


def test_sso_grants_are_refreshed_and_manual_grants_kept(make, start_sso, post_to_acs, idp_keys):
    alice = make.user("alice", groups={"TOPQ": "member"})  # granted by hand
    old_cookie_client, _ = sso_login(start_sso, post_to_acs, idp_keys)
    assert alice.group_roles() == {"HIGG": "convener", "TOPQ": "member"}
    roles = {"upn": ["alice"], "CernRoles": ["susy-members", "prodsys-managers"]}
    client, _ = sso_login(start_sso, post_to_acs, idp_keys, attributes=roles)
    db.session.expire_all()
    assert alice.group_roles() == {"SUSY": "member", "TOPQ": "member"}
    assert alice.global_roles == {"production_manager"}
    manual = db.session.scalars(
        sa.select(Membership).where(Membership.user_id == alice.id, Membership.source == "manual")
    ).all()
    assert [m.working_group.code for m in manual] == ["TOPQ"]
    assert signed_in_as(client) == "alice"
    assert signed_in_as(old_cookie_client) is None, "a role change ends the older sessions"


def test_existing_user_of_that_login_name_is_linked(make, start_sso, post_to_acs, idp_keys):
    alice = make.user("alice", display_name="Old Name")
    client, _ = sso_login(start_sso, post_to_acs, idp_keys)
    assert signed_in_as(client) == "alice"
    assert [i.kind for i in alice.identities] == ["saml"]
    assert alice.display_name == "Alice Liddell"


def test_comment_inside_a_signed_value_does_not_truncate_it(start_sso, post_to_acs, idp_keys):
    """CVE-2017-11427: a comment added after signing must not turn alice.evil into alice."""
    request_id, relay = start_sso()
    attributes = {"upn": ["alice.evil"], "CernRoles": []}
    signed = sign(
        Assertion(in_response_to=request_id, name_id="x", attributes=attributes).xml(), idp_keys
    )
    tampered = signed.replace(">alice.evil<", ">alice<!---->.evil<")
    client, answer = post_to_acs(encode(response([tampered], request_id)), relay)
    assert signed_in_as(client) in (None, "alice.evil")
    assert db.session.scalars(sa.select(User).where(User.username == "alice")).first() is None


def test_auto_register_off_refuses_unknown_people(
    app, start_sso, post_to_acs, idp_keys, monkeypatch
):
    monkeypatch.setitem(app.config, "AUTO_REGISTER", False)
    client, answer = sso_login(start_sso, post_to_acs, idp_keys)
    assert answer.status_code == 403
    assert "ask an admin" in answer.text
    assert signed_in_as(client) is None


def test_disabled_user_is_refused(make, start_sso, post_to_acs, idp_keys):
    make.user("alice", is_active=False)
    client, answer = sso_login(start_sso, post_to_acs, idp_keys)
    assert answer.status_code == 403
    assert "disabled" in answer.text
    assert signed_in_as(client) is None


def test_metadata_is_valid_sp_metadata(saml_app):
    answer = saml_app.test_client().get("/auth/saml/metadata")
    assert answer.status_code == 200
    assert answer.mimetype == "application/samlmetadata+xml"
    assert 'entityID="https://deftweb.test/auth/saml/metadata"' in answer.text
    assert "AssertionConsumerService" in answer.text


def test_saml_routes_are_404_while_sso_is_off(client):
    assert client.get("/auth/saml/login").status_code == 404
    assert client.get("/auth/saml/metadata").status_code == 404
    assert client.post("/auth/saml/acs").status_code == 404


def test_chooser_offers_sso_when_configured(saml_app):
    page = saml_app.test_client().get("/auth/login?next=/requests/3").text
    assert "Sign in with CERN single sign-on" in page
    assert "/auth/saml/login?next=/requests/3" in page
