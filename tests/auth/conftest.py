"""SAML fixtures: a test IdP key pair (and a foreign one), the app configured to trust the IdP."""

import pytest

from tests.auth.saml_idp import KeyPair, authn_request_of, sp_settings

ROLE_MAP = {
    "higgs-conveners": ["HIGG:convener"],
    "susy-members": ["SUSY:member"],
    "prodsys-managers": ["production_manager"],
}


@pytest.fixture(scope="session")
def idp_keys() -> KeyPair:
    return KeyPair.generate("test-idp")


@pytest.fixture(scope="session")
def foreign_keys() -> KeyPair:
    return KeyPair.generate("foreign-idp")


@pytest.fixture
def saml_app(app, idp_keys, monkeypatch):
    """The app with SSO on, trusting the test IdP, with a small role map."""
    monkeypatch.setitem(app.config, "SAML_SETTINGS", sp_settings(idp_keys.cert_pem))
    monkeypatch.setitem(app.config, "SAML_ROLE_MAP", ROLE_MAP)
    return app


@pytest.fixture
def start_sso(saml_app):
    """Start an SP-initiated login in a browser (a test client); return (request id, RelayState)."""

    def start(next_path: str = "/", client=None):
        client = client or saml_app.test_client()
        answer = client.get("/auth/saml/login", query_string={"next": next_path})
        assert answer.status_code == 302, answer.text
        return authn_request_of(answer.location)

    return start


@pytest.fixture
def post_to_acs(saml_app):
    """POST a response the way the IdP's cross-site form does: with no cookie at all."""

    def post(saml_response: str, relay_state: str | None):
        client = saml_app.test_client()  # an empty cookie jar
        form = {"SAMLResponse": saml_response}
        if relay_state is not None:
            form["RelayState"] = relay_state
        return client, client.post("/auth/saml/acs", data=form)

    return post
