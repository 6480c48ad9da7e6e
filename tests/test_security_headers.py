"""Security headers on every response, pages and API alike, and a CSP the pages live with."""

import pytest

from deftweb.security_headers import content_security_policy, idp_origins


@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/api/v1/openapi.json", "/nowhere"])
def test_every_response_carries_the_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]


def test_signed_in_pages_carry_them_too(client, login_as, make):
    login_as(make.user())
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]


def test_what_signed_in_people_and_api_clients_read_is_never_cached(client, login_as, make):
    anonymous = client.get("/auth/login").headers
    assert "no-store" not in anonymous.get("Cache-Control", "")
    assert client.get("/api/v1/openapi.json").headers["Cache-Control"] == "no-store"
    login_as(make.user())
    for path in ("/", "/requests/", "/api/v1/me", "/nowhere"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    with client.get("/static/css/deftweb.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_sign_out_may_continue_at_the_idp():
    settings = {
        "idp": {
            "singleSignOnService": {"url": "https://auth.cern.ch/auth/realms/cern/protocol/saml"},
            "singleLogoutService": {"url": "https://auth.cern.ch/logout"},
        }
    }
    origins = idp_origins(settings)
    assert origins == ["https://auth.cern.ch"]
    assert "form-action 'self' https://auth.cern.ch" in content_security_policy(origins)
    assert idp_origins(None) == []
    assert idp_origins({"idp": {"singleSignOnService": {"url": "http://plain.example/"}}}) == []
