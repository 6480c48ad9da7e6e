"""The profile page: identities, linking the presented certificate, API tokens, notifications."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from deftweb.auth.api_tokens import create_token, token_hash
from deftweb.models import ApiToken, AuditEvent, GlobalRole, db, utcnow

DN = "/DC=ch/DC=cern/OU=Users/CN=jdoe"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_profile_needs_sign_in(client):
    assert client.get("/profile").status_code == 302


def test_create_a_token_shown_once_and_stored_hashed(client, login_as, make):
    user = login_as(make.user())
    answer = client.post("/profile/tokens", data={"name": "my script", "days": "30"})
    assert answer.status_code == 201
    assert answer.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code id="new-token">([^<]+)</code>', answer.text).group(1)
    token = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert token.token_hash == token_hash(secret)
    assert secret not in token.token_hash
    assert secret not in client.get("/profile").text  # shown once
    me = client.application.test_client().get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.json["username"] == user.username
    assert me.json["authenticated_by"] == "token"
    assert "Set-Cookie" not in me.headers
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "api_token_created")
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "days": "30"}, "Give the token a name"),
        ({"name": "x" * 101, "days": "30"}, "Give the token a name"),
        ({"name": "ok", "days": "0"}, "from 1 to 365 days"),
        ({"name": "ok", "days": "9999"}, "from 1 to 365 days"),
    ],
)
def test_bad_token_requests_come_back_with_a_message(client, login_as, make, form, message):
    login_as(make.user())
    answer = client.post("/profile/tokens", data=form)
    assert answer.status_code == 422
    assert message in answer.text
    assert f'value="{form["name"]}"' in answer.text  # the form comes back filled in


def test_revoked_expired_and_foreign_tokens_do_not_work(app, make):
    user = make.user()
    token, secret = create_token(user, "t", 30, 365)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    token.expires_at = None
    token.revoked_at = utcnow()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    for header in (f"Bearer {secret}x", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer dft_" + "a" * 300):
        answer = api.get("/api/v1/me", headers={"Authorization": header})
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_disabled_users_token_stops_working(app, make):
    user = make.user()
    _, secret = create_token(user, "t", 30, 365)
    user.is_active = False
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session_cookie(client, login_as, make):
    login_as(make.user())
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", headers=bearer("dft_wrong")).status_code == 401


def test_revoke_own_token_but_not_someone_elses(client, login_as, make):
    user = login_as(make.user())
    mine, secret = create_token(user, "mine", 30, 365)
    theirs, _ = create_token(make.user(), "theirs", 30, 365)
    assert client.post(f"/profile/tokens/{theirs.id}/revoke").status_code == 403
    assert client.post(f"/profile/tokens/{mine.id}/revoke").status_code == 302
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None
    assert (
        client.application.test_client().get("/api/v1/me", headers=bearer(secret)).status_code
        == 401
    )


def test_admin_may_revoke_a_leaked_token(client, login_as, make):
    token, _ = create_token(make.user(), "leaked", 30, 365)
    login_as(make.user(roles=(GlobalRole.ADMIN,)))
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    assert token.revoked_at is not None


def test_notification_mode(client, login_as, make):
    user = login_as(make.user())
    assert client.post("/profile/notifications", data={"mode": "digest"}).status_code == 302
    assert user.notify_mode == "digest"
    assert client.post("/profile/notifications", data={"mode": "hourly"}).status_code == 422


@pytest.fixture
def certificate_client(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", ["127.0.0.1"])
    client.environ_base.update(
        {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_SSL_CLIENT_S_DN": "CN=jdoe,OU=Users,DC=cern,DC=ch",
            "HTTP_X_SSL_CLIENT_VERIFY": "SUCCESS",
        }
    )
    return client


def test_link_the_presented_certificate(certificate_client, login_as, make):
    user = login_as(make.user())  # signed in by the development login (as by SSO)
    page = certificate_client.get("/profile").text
    assert DN in page
    assert "Link this certificate" in page
    assert certificate_client.post("/profile/certificate").status_code == 302
    assert [(i.kind, i.identifier) for i in user.identities] == [("x509", DN)]
    again = certificate_client.post("/profile/certificate")
    assert again.status_code == 422
    assert "already linked to you" in again.text


def test_a_certificate_session_cannot_link_another_certificate(certificate_client, login_as, make):
    login_as(make.user())
    with certificate_client.session_transaction() as session:
        session["auth_method"] = "x509"
    assert certificate_client.post("/profile/certificate").status_code == 403


def test_no_certificate_presented(client, login_as, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", ["127.0.0.1"])
    login_as(make.user())
    answer = client.post("/profile/certificate")
    assert answer.status_code == 422
    assert "No verified certificate" in answer.text


def test_api_me_lists_identities_memberships_and_roles(client, login_as, make):
    user = make.user(roles=(GlobalRole.MC_COORDINATOR,), groups={"HIGG": "convener"})
    login_as(user)
    me = client.get("/api/v1/me").json
    assert me["roles"] == ["mc_coordinator"]
    assert me["memberships"] == [{"group": "HIGG", "role": "convener", "source": "manual"}]
    assert me["identities"] == []
    assert me["authenticated_by"] == "dev"


def test_api_me_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/me" in paths


def test_token_use_is_recorded_on_changes_only(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # a token needs no CSRF token
    user = make.user()
    token, secret = create_token(user, "t", 30, 365)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert token.last_used_at is None  # a GET writes nothing
    request = make.request(requester=make.user())
    answer = api.put(f"/api/v1/requests/{request.id}/watch", headers=bearer(secret))
    assert answer.status_code < 300, answer.text
    assert token.last_used_at is not None
