"""CERN single sign-on by SAML (python3-saml): turns a signed assertion into an `AuthInfo`.

Only SP-initiated logins: the AuthnRequest id is kept server-side under an opaque single-use
RelayState token, because the IdP's cross-site POST to the ACS carries no SameSite=Lax cookie.
"""

import copy
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, request
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from sqlalchemy.exc import IntegrityError

from deftweb.auth.identity import AuthInfo
from deftweb.auth.next_url import safe_next_url
from deftweb.auth.saml_attributes import auth_info_from_attributes
from deftweb.auth.saml_guard import SamlRefused, check_response
from deftweb.config import ConfigError
from deftweb.models import SamlPendingRequest, SamlSeenAssertion, db, utcnow
from deftweb.models.users import IdentityKind

log = logging.getLogger(__name__)

#: Forced whatever the settings files say: the toolkit's defaults accept unsigned assertions.
REQUIRED_SECURITY = {
    "wantAssertionsSigned": True,
    "rejectDeprecatedAlgorithm": True,
    "signatureAlgorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "digestAlgorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
}
#: python3-saml's allowed clock drift; a seen assertion id is kept this long past NotOnOrAfter.
CLOCK_DRIFT = timedelta(seconds=300)


def _settings_folder(app: Flask) -> Path:
    return Path(app.config["SAML_PATH"] or Path(app.instance_path) / "saml")


def configured_settings(app: Flask) -> dict | None:
    """The settings dict (from `SAML_SETTINGS` or the `SAML_PATH` folder), or None: SSO is off."""
    if app.config["SAML_SETTINGS"]:
        settings = copy.deepcopy(app.config["SAML_SETTINGS"])
    else:
        folder = _settings_folder(app)
        if not (folder / "settings.json").is_file():
            return None
        settings = json.loads((folder / "settings.json").read_text())
        advanced = folder / "advanced_settings.json"
        if advanced.is_file():
            settings.update(json.loads(advanced.read_text()))
        idp_cert = folder / "certs" / "idp.crt"
        if idp_cert.is_file() and not settings.get("idp", {}).get("x509cert"):
            # python3-saml checks the IdP certificate is in the dict before it reads any file
            settings.setdefault("idp", {})["x509cert"] = idp_cert.read_text()
    settings["strict"] = True
    settings["debug"] = False
    settings.setdefault("security", {}).update(REQUIRED_SECURITY)
    return settings


def check_settings(app: Flask) -> None:
    """At start: refuse SAML settings python3-saml cannot use, saying what is wrong."""
    settings = configured_settings(app)
    if settings is None:
        return
    try:
        OneLogin_Saml2_Settings(settings, custom_base_path=str(_settings_folder(app)) + "/")
    except OneLogin_Saml2_Error as error:
        where = "SAML_SETTINGS" if app.config["SAML_SETTINGS"] else _settings_folder(app)
        raise ConfigError(f"the SAML settings in {where} are unusable: {error}") from None


def is_enabled() -> bool:
    return configured_settings(current_app) is not None


def toolkit_settings() -> OneLogin_Saml2_Settings:
    """python3-saml settings; certificates not inline are read from `<SAML_PATH>/certs/`."""
    settings = configured_settings(current_app)
    if settings is None:
        raise SamlRefused("SAML is not configured")
    base = str(_settings_folder(current_app)) + "/"
    return OneLogin_Saml2_Settings(settings, custom_base_path=base)


def _request_data(settings: OneLogin_Saml2_Settings) -> dict:
    """Scheme and host come from the configured ACS URL, never from Host or X-Forwarded-*."""
    acs = urlsplit(settings.get_sp_data()["assertionConsumerService"]["url"])
    return {
        "https": "on" if acs.scheme == "https" else "off",
        "http_host": acs.netloc,
        "script_name": request.script_root + request.path,
        "get_data": request.args.to_dict(),
        "post_data": request.form.to_dict(),
        "query_string": request.query_string.decode("latin-1"),
        "validate_signature_from_qs": True,
    }


def toolkit(settings: OneLogin_Saml2_Settings | None = None) -> OneLogin_Saml2_Auth:
    settings = settings or toolkit_settings()
    return OneLogin_Saml2_Auth(_request_data(settings), settings)


def start_login(next_url: str | None) -> str:
    """Remember a new AuthnRequest under a fresh RelayState token; return the IdP's URL."""
    forget_expired_state()
    token = secrets.token_urlsafe(32)
    auth = toolkit()
    url = auth.login(return_to=token)
    ttl = timedelta(seconds=current_app.config["SAML_REQUEST_TTL"])
    db.session.add(
        SamlPendingRequest(
            token=token,
            request_id=auth.get_last_request_id(),
            next_url=safe_next_url(next_url),
            expires_at=utcnow() + ttl,
        )
    )
    db.session.flush()
    return url


def _take_pending_request(token: str) -> tuple[str, str]:
    """Consume the pending request of `token` (single use, not expired): (request id, next URL)."""
    pending = SamlPendingRequest.__table__
    row = db.session.execute(
        sa.delete(pending)
        .where(pending.c.token == token, pending.c.expires_at > utcnow())
        .returning(pending.c.request_id, pending.c.next_url)
    ).first()
    if row is None:
        raise SamlRefused("unknown, used or expired RelayState")
    return row.request_id, row.next_url


def _remember_assertion(assertion_id: str | None, not_on_or_after: int | None) -> None:
    """Record the assertion id; seeing it again before it expires is a replay."""
    if not assertion_id:
        raise SamlRefused("the assertion has no ID")
    if not_on_or_after:
        until = datetime.fromtimestamp(not_on_or_after, UTC)
    else:
        until = utcnow() + timedelta(days=1)
    try:
        with db.session.begin_nested():
            db.session.add(
                SamlSeenAssertion(assertion_id=assertion_id, forget_after=until + CLOCK_DRIFT)
            )
    except IntegrityError:
        raise SamlRefused(f"assertion {assertion_id} was already used (replay)") from None


def consume_response() -> tuple[AuthInfo, str, dict]:
    """Validate the POSTed SAMLResponse: (who signed in, where to go next, SLO data)."""
    request_id, next_url = _take_pending_request(request.form.get("RelayState", ""))
    settings = toolkit_settings()
    sp = settings.get_sp_data()
    check_response(
        request.form.get("SAMLResponse", ""), sp["assertionConsumerService"]["url"], sp["entityId"]
    )
    auth = toolkit(settings)
    try:
        auth.process_response(request_id=request_id)
    except (OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError) as error:
        raise SamlRefused(f"python3-saml: {error}") from None
    if auth.get_errors() or not auth.is_authenticated():
        raise SamlRefused(f"{auth.get_errors()}: {auth.get_last_error_reason()}")
    if auth.get_last_response_in_response_to() != request_id:
        raise SamlRefused("InResponseTo does not answer our AuthnRequest")
    _remember_assertion(auth.get_last_assertion_id(), auth.get_last_assertion_not_on_or_after())
    issuer = settings.get_idp_data()["entityId"]
    info = auth_info_from_attributes(
        IdentityKind.SAML, issuer, auth.get_attributes(), auth.get_nameid(), _attribute_map()
    )
    return info, safe_next_url(next_url), _logout_data(auth)


def _attribute_map() -> dict:
    return current_app.config["SAML_ATTRIBUTE_MAP"]


def _logout_data(auth: OneLogin_Saml2_Auth) -> dict:
    """What single logout needs later; kept in the (signed) session."""
    return {
        "name_id": auth.get_nameid(),
        "name_id_format": auth.get_nameid_format(),
        "nq": auth.get_nameid_nq(),
        "spnq": auth.get_nameid_spnq(),
        "session_index": auth.get_session_index(),
    }


def forget_expired_state() -> None:
    """Drop pending requests past their expiry and seen assertions that can no longer replay."""
    now = utcnow()
    db.session.execute(sa.delete(SamlPendingRequest).where(SamlPendingRequest.expires_at <= now))
    db.session.execute(sa.delete(SamlSeenAssertion).where(SamlSeenAssertion.forget_after <= now))


def logout_url(logout_data: dict, return_to: str) -> str | None:
    """The IdP's single-logout URL for this session, or None when the IdP offers none."""
    settings = toolkit_settings()
    if not settings.get_idp_data().get("singleLogoutService", {}).get("url"):
        return None
    return toolkit(settings).logout(
        return_to=return_to,
        name_id=logout_data.get("name_id"),
        session_index=logout_data.get("session_index"),
        nq=logout_data.get("nq"),
        name_id_format=logout_data.get("name_id_format"),
        spnq=logout_data.get("spnq"),
    )


def process_logout() -> tuple[str | None, str | None]:
    """Handle a LogoutRequest or LogoutResponse at the SLS.

    Returns (NameID the IdP signed out or None, URL to send the browser to or None).
    """
    if "SAMLRequest" in request.args and "Signature" not in request.args:
        raise SamlRefused("unsigned LogoutRequest")
    settings = toolkit_settings()
    auth = toolkit(settings)
    url = auth.process_slo(keep_local_session=True)
    if auth.get_errors():
        raise SamlRefused(f"{auth.get_errors()}: {auth.get_last_error_reason()}")
    name_id = None
    if "SAMLRequest" in request.args:
        from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request

        name_id = OneLogin_Saml2_Logout_Request.get_nameid(auth.get_last_request_xml())
    return name_id, url


def idp_entity_id() -> str:
    return toolkit_settings().get_idp_data()["entityId"]


def sp_metadata() -> str:
    """The SP metadata XML; raises SamlRefused if the settings make it invalid."""
    settings = toolkit_settings()
    metadata = settings.get_sp_metadata()
    errors = settings.validate_metadata(metadata)
    if errors:
        raise SamlRefused(f"invalid SP metadata: {errors}")
    return metadata if isinstance(metadata, str) else metadata.decode()


def discard_pending_request(token: str) -> None:
    """Make a RelayState token unusable after a refused response (its transaction was undone)."""
    db.session.execute(sa.delete(SamlPendingRequest).where(SamlPendingRequest.token == token))
