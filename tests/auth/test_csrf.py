"""CSRF: every state-changing browser route needs the token; the SAML endpoints and API calls a
browser cannot send cross-site without a preflight do not."""

import pytest

from deftweb.auth.api_tokens import create_token


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app


def unsafe_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            yield rule, method


EXEMPT = {"auth.saml_acs", "auth.saml_sls"}


def test_every_unsafe_browser_route_refuses_a_missing_token(csrf_on, make, login_as, client):
    login_as(make.user())
    checked = 0
    for rule, method in unsafe_rules(csrf_on):
        if rule.endpoint in EXEMPT or rule.rule.startswith("/api/"):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<id:{argument}>", "1").replace(f"<{argument}>", "x")
            path = path.replace(f"<task_id:{argument}>", "1").replace(f"<string:{argument}>", "x")
        answer = client.open(path, method=method, data={"x": "1"})
        assert answer.status_code == 400, f"{method} {rule.rule} answered {answer.status_code}"
        assert "CSRF token" in answer.text, f"{method} {rule.rule}"
        checked += 1
    assert checked >= 3


def test_api_form_posts_need_the_token_too(csrf_on, make, login_as, client):
    login_as(make.user())
    for rule, method in unsafe_rules(csrf_on):
        if rule.rule.startswith("/api/") and method == "POST" and "<" not in rule.rule:
            answer = client.post(rule.rule, data={"x": "1"})
            assert answer.status_code == 400, rule.rule


def test_logout_with_the_token_works(csrf_on, make, login_as, client):
    login_as(make.user())
    page = client.get("/auth/login").text  # any page: the token is in <body hx-headers>
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    assert client.post("/auth/logout", headers={"X-CSRFToken": token}).status_code == 302


def test_acs_and_sls_are_exempt(csrf_on, saml_app):
    client = saml_app.test_client()
    acs = client.post("/auth/saml/acs", data={"SAMLResponse": "x", "RelayState": "y"})
    assert acs.status_code == 403
    assert "Sign-in failed" in acs.text
    sls = client.post("/auth/saml/sls", data={"SAMLRequest": "x"})
    assert sls.status_code == 400
    assert "HTTP-Redirect binding" in sls.text


def test_api_call_with_a_bearer_token_needs_no_csrf_token(csrf_on, make):
    user = make.user()
    _, secret = create_token(user, "script", 30, 365)
    client = csrf_on.test_client()
    answer = client.post(
        "/api/v1/nowhere", headers={"Authorization": f"Bearer {secret}"}, json={"a": 1}
    )
    assert answer.status_code == 404  # routing, not CSRF, answered


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Referer": "https://localhost/profile"}, True),
        ({"Origin": "https://localhost"}, True),  # a browser that strips the Referer
        ({}, False),
        ({"Referer": "https://evil.example/"}, False),
        ({"Origin": "https://evil.example"}, False),
        ({"Origin": "null"}, False),
    ],
)
def test_https_posts_come_from_our_pages_by_referer_or_origin(
    csrf_on, make, login_as, client, headers, allowed
):
    """Sign-out over https with the token: its Referer, or its Origin where there is none, must
    name this site (Flask-WTF alone refused every post that came without a Referer)."""
    login_as(make.user())
    https = "https://localhost"
    page = client.get("/auth/login", base_url=https).text
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    answer = client.post("/auth/logout", base_url=https, headers={"X-CSRFToken": token} | headers)
    assert (answer.status_code == 302) is allowed, answer.text
    if not allowed:
        assert answer.status_code == 400
