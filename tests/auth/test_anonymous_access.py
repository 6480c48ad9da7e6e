"""Anonymous visitors see the sign-in pages, /healthz, /readyz and the OpenAPI document; every
other page and API endpoint sends them to sign in (pages) or answers 401 (API)."""

import re

import pytest

PUBLIC_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.dev_login_form",
    "auth.saml_login",
    "auth.saml_metadata",
    "auth.saml_sls",
    "auth.x509_login",
    "health.healthz",
    "health.readyz",
    "api-docs.openapi_json",
}


def concrete_path(rule) -> str:
    """The rule with each variable filled in: the first choice of an `any(...)`, else 1."""
    path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)
    return re.sub(r"<[^>]+>", "1", path)


def test_every_other_get_route_needs_sign_in(app, client):
    checked = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        answer = client.get(concrete_path(rule))
        if rule.rule.startswith("/api/"):
            assert answer.status_code == 401, f"{rule.rule}: {answer.status_code}"
        else:
            assert answer.status_code == 302, f"{rule.rule}: {answer.status_code}"
            assert answer.location.startswith("/auth/login"), rule.rule
        checked.append(rule.rule)
    assert len(checked) >= 5


@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/api/v1/openapi.json"])
def test_public_pages_are_public(client, path):
    assert client.get(path).status_code == 200
