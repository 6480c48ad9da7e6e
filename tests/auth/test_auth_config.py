"""Sign-in settings: the SAML settings folder, forced security flags, refused configurations."""

import json

import pytest

from deftweb.auth.saml import configured_settings
from deftweb.auth.settings import check_auth_config
from deftweb.config import ConfigError
from tests.auth.saml_idp import sp_settings


def test_sso_is_off_without_settings(app):
    assert configured_settings(app) is None


def test_settings_folder_in_the_python3_saml_layout(app, tmp_path, idp_keys, monkeypatch):
    settings = sp_settings("")
    del settings["idp"]["x509cert"]  # read from certs/idp.crt instead
    (tmp_path / "settings.json").write_text(json.dumps({**settings, "strict": False}))
    advanced = {"security": {"wantAssertionsSigned": False, "requestedAuthnContext": False}}
    (tmp_path / "advanced_settings.json").write_text(json.dumps(advanced))
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "idp.crt").write_text(idp_keys.cert_pem)
    monkeypatch.setitem(app.config, "SAML_PATH", str(tmp_path))
    loaded = configured_settings(app)
    assert loaded["strict"] is True  # forced
    assert loaded["security"]["wantAssertionsSigned"] is True  # forced
    assert loaded["security"]["rejectDeprecatedAlgorithm"] is True
    assert loaded["security"]["requestedAuthnContext"] is False  # the admin's choice stays
    assert loaded["idp"]["x509cert"] == idp_keys.cert_pem  # from certs/idp.crt
    assert app.test_client().get("/auth/saml/metadata").status_code == 200


def base_config(**changes) -> dict:
    config = {
        "SAML_ROLE_MAP": {},
        "TRUSTED_PROXIES": [],
        "SESSION_IDLE_TIMEOUT": 60,
        "SESSION_MAX_AGE": 120,
    }
    config.update(changes)
    return config


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SAML_ROLE_MAP": {"r": "HIGG:member"}}, "must be a list"),
        ({"SAML_ROLE_MAP": {"r": ["HIGG:boss"]}}, "a group role is one of"),
        ({"SAML_ROLE_MAP": {"r": ["emperor"]}}, "a global role is one of"),
        ({"TRUSTED_PROXIES": ["proxy.cern.ch"]}, "not an address or network"),
        ({"SESSION_IDLE_TIMEOUT": 0}, "SESSION_IDLE_TIMEOUT"),
        ({"SESSION_IDLE_TIMEOUT": 500}, "at most SESSION_MAX_AGE"),
    ],
)
def test_unusable_settings_are_refused_at_start(changes, message):
    with pytest.raises(ConfigError, match=message):
        check_auth_config(base_config(**changes))


def test_good_settings_pass():
    check_auth_config(
        base_config(
            SAML_ROLE_MAP={"higgs-conveners": ["HIGG:convener", "mc_coordinator"]},
            TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8", "::1", "unix"],
        )
    )


def test_unusable_saml_settings_stop_the_app_at_start(database_url):
    from deftweb import create_app
    from tests.conftest import app_settings

    broken = {"sp": {"entityId": "https://x/metadata"}, "idp": {"entityId": "https://idp"}}
    with pytest.raises(ConfigError, match="SAML_SETTINGS are unusable"):
        create_app(test_config=app_settings(database_url, SAML_SETTINGS=broken))
