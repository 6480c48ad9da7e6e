"""The sign-in settings checked at start-up: role map, trusted proxies, session lifetimes."""

import ipaddress

from deftweb.auth.grants import parse_grant
from deftweb.config import ConfigError
from deftweb.errors import InvalidInput


def check_auth_config(config) -> None:
    """Refuse role-map entries, proxy addresses and lifetimes that cannot work."""
    for sso_role, grants in (config["SAML_ROLE_MAP"] or {}).items():
        if isinstance(grants, str):
            raise ConfigError(f"SAML_ROLE_MAP[{sso_role!r}] must be a list, e.g. [{grants!r}]")
        for grant in grants:
            try:
                parse_grant(grant)
            except InvalidInput as error:
                raise ConfigError(f"SAML_ROLE_MAP[{sso_role!r}]: {error}") from None
    for proxy in config["TRUSTED_PROXIES"]:
        if proxy == "unix":
            continue
        try:
            ipaddress.ip_network(proxy)
        except ValueError:
            raise ConfigError(f"TRUSTED_PROXIES: {proxy!r} is not an address or network") from None
    if not 0 < config["SESSION_IDLE_TIMEOUT"] <= config["SESSION_MAX_AGE"]:
        raise ConfigError("SESSION_IDLE_TIMEOUT must be positive and at most SESSION_MAX_AGE")
