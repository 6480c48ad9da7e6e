"""SAML attributes -> `AuthInfo`, by the configured `SAML_ATTRIBUTE_MAP`.

CERN's Keycloak sends `upn`, `EmailAddress`, `displayName`, `PersonID`, `CernRoles`; the legacy
ADFS names are `http://schemas.xmlsoap.org/claims/CommonName`, `.../Group`... Names are matched
exactly first, then by their last path segment, so bare and URI-prefixed names both work.
"""

import re

from deftweb.auth.identity import AuthInfo
from deftweb.auth.saml_guard import SamlRefused
from deftweb.field_checks import CONTROL
from deftweb.models.users import LOGIN_NAME

#: The value of an `identifier` entry that means the assertion's NameID.
NAME_ID = "NameID"

#: field -> attribute names tried in order (the first one present wins).
DEFAULT_ATTRIBUTE_MAP = {
    "identifier": ["upn", "CommonName"],
    "username": ["upn", "CommonName"],
    "email": ["EmailAddress", "email"],
    "display_name": ["displayName", "DisplayName"],
    "person_id": ["PersonID"],
    "roles": ["CernRoles", "Group"],
}


class MissingAttribute(SamlRefused):
    """The assertion lacks an attribute deftweb needs."""


def short_name(name: str) -> str:
    """`http://schemas.xmlsoap.org/claims/Group` -> `Group`; a bare name stays as it is."""
    if "://" in name or name.startswith("urn:"):
        return re.split(r"[/:#]", name.rstrip("/"))[-1]
    return name


def _lookup(attributes: dict[str, list[str]], names: list[str]) -> list[str]:
    by_short = {}
    for key, values in attributes.items():
        by_short.setdefault(short_name(key), values)
    for name in names:
        values = attributes.get(name) or by_short.get(name)
        if values:
            return [str(value).strip() for value in values if str(value).strip()]
    return []


def _first(attributes, names) -> str | None:
    values = _lookup(attributes, names)
    return values[0] if values else None


def auth_info_from_attributes(
    kind: str, issuer: str, attributes: dict, name_id: str | None, attribute_map: dict
) -> AuthInfo:
    """Map the assertion's attributes; refuse one without a usable identifier and login name."""
    fields = {**DEFAULT_ATTRIBUTE_MAP, **(attribute_map or {})}
    if fields["identifier"] == [NAME_ID]:
        identifier = name_id
    else:
        identifier = _first(attributes, fields["identifier"])
    username = _first(attributes, fields["username"])
    if not identifier:
        raise MissingAttribute(f"no identifier among {fields['identifier']}")
    if not username or not LOGIN_NAME.fullmatch(username):
        raise MissingAttribute(f"no usable login name among {fields['username']}: {username!r}")
    return AuthInfo(
        kind=kind,
        issuer=issuer,
        identifier=identifier,
        username=username,
        display_name=_one_line(_first(attributes, fields["display_name"])) or username,
        email=_first(attributes, fields["email"]),
        person_id=_first(attributes, fields["person_id"]),
        roles=tuple(sorted(set(_lookup(attributes, fields["roles"])))),
    )


def _one_line(text: str | None) -> str | None:
    """A name as one line: an IdP's line breaks and control characters become spaces (a display
    name goes into mail headers and pages)."""
    if text is None:
        return None
    return " ".join(CONTROL.sub(" ", text).split())
