"""Sessions the server can end: logout, disable, role change, idle and absolute lifetimes."""

import time

import pytest

from deftweb import create_app
from deftweb.auth import grants
from deftweb.models import GlobalRole, db
from tests.conftest import app_settings


def signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def copy_cookies(source, target):
    """A second browser holding the same cookie (an attacker's copy, another tab)."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain)


@pytest.fixture
def session_pair(app, make):
    """A user signed in through the dev login, and a copy of their cookie."""
    user = make.user()
    browser = app.test_client()
    assert browser.post("/auth/dev-login", data={"user_id": user.id}).status_code == 302
    stolen = app.test_client()
    copy_cookies(browser, stolen)
    assert signed_in(browser)
    assert signed_in(stolen)
    return user, browser, stolen


def test_logout_ends_every_copy_of_the_cookie(session_pair):
    _user, browser, stolen = session_pair
    assert browser.post("/auth/logout").status_code == 302
    assert not signed_in(browser)
    assert not signed_in(stolen)


def test_disabling_the_account_ends_its_sessions(session_pair, make):
    user, browser, _ = session_pair
    admin = make.user(roles=(GlobalRole.ADMIN,))
    from deftweb.accounts.users import set_active

    set_active(admin, user, False)
    assert not signed_in(browser)


def test_a_role_change_ends_the_sessions(session_pair, make):
    user, browser, _ = session_pair
    grants.grant_role(make.user(roles=(GlobalRole.ADMIN,)), user, GlobalRole.MC_COORDINATOR)
    assert not signed_in(browser)


def test_a_membership_change_ends_the_sessions(session_pair, make):
    user, browser, _ = session_pair
    grants.set_membership(make.user(), user, make.group("HIGG"), "member")
    assert not signed_in(browser)


def _age_session(client, login_ago: int, seen_ago: int) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        session["login_at"] = now - login_ago
        session["seen_at"] = now - seen_ago


def test_idle_session_ends(app, session_pair):
    _, browser, _ = session_pair
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    _age_session(browser, idle - 60, idle - 60)
    assert signed_in(browser)  # and that request counts as activity
    _age_session(browser, idle + 10, idle + 1)
    assert not signed_in(browser)


def test_activity_keeps_an_idle_session_alive(app, session_pair):
    _, browser, _ = session_pair
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    _age_session(browser, idle, idle - 5)
    assert signed_in(browser)
    with browser.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5


def test_the_cookie_is_sent_again_only_when_the_last_seen_time_moves(session_pair):
    _, browser, _ = session_pair
    assert "Set-Cookie" in browser.get("/").headers  # it shows (and drops) the sign-in flash
    page = browser.get("/")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers  # seen a moment ago: nothing to update
    _age_session(browser, 120, 61)
    assert "Set-Cookie" in browser.get("/").headers


def test_absolute_lifetime_ends_even_an_active_session(app, session_pair):
    _, browser, _ = session_pair
    _age_session(browser, app.config["SESSION_MAX_AGE"] + 1, 0)
    assert not signed_in(browser)


def test_a_cookie_without_sign_in_times_is_refused(app, make):
    user = make.user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert not signed_in(client)


def test_sign_in_starts_a_fresh_session(app, make):
    user = make.user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/auth/dev-login", data={"user_id": user.id})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["auth_method"] == "dev"


def test_cookie_flags(app, make):
    client = app.test_client()
    answer = client.post("/auth/dev-login", data={"user_id": make.user().id})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-deftweb=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Expires="):
        assert flag in cookie
    assert "Domain=" not in cookie


def test_development_cookies_are_not_secure(database_url):
    settings = app_settings(database_url, ENVIRONMENT="development", SECRET_KEY="x")
    development = create_app(test_config=settings)
    assert development.config["SESSION_COOKIE_SECURE"] is False
    assert development.config["SESSION_COOKIE_NAME"] == "deftweb_session"
    with development.app_context():
        db.engine.dispose()


def test_htmx_request_without_session_is_told_to_redirect(client):
    answer = client.get("/", headers={"HX-Request": "true"})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"].startswith("/auth/login?next=/")
