"""Client certificates: the DN the TLS proxy verified, in one canonical form.

The DN header is believed only from a peer in `TRUSTED_PROXIES` and only when the verify header
says SUCCESS; the proxy must always set both (never pass a client's copy through). Underscore
spellings of the headers land in the same WSGI key and cannot be told apart here: gunicorn (its
default `header_map = drop`) and Werkzeug's server drop them before the app sees the request.
"""

import ipaddress
import re

from cryptography import x509
from cryptography.x509.oid import NameOID
from flask import current_app, request

from deftweb.errors import InvalidInput

#: The `TRUSTED_PROXIES` entry that trusts requests arriving on gunicorn's unix socket.
UNIX_SOCKET = "unix"
#: Proxy certificate CNs appended to a user's DN (legacy and RFC 3820).
PROXY_CN = re.compile(r"^(proxy|limited proxy|\d+)$", re.IGNORECASE)
SLASH_PART = re.compile(r"/(?=[A-Za-z][A-Za-z0-9.]*=)")
#: Attribute spellings folded onto one name, so both DN forms store the same string.
ALIASES = {
    "E": "emailAddress",
    "EMAIL": "emailAddress",
    "EMAILADDRESS": "emailAddress",
    "1.2.840.113549.1.9.1": "emailAddress",
    "UID": "UID",
    "USERID": "UID",
}


#: Names OpenSSL and mod_ssl write that RFC 4514 parsing does not know by itself.
RFC4514_NAMES = {
    "emailAddress": NameOID.EMAIL_ADDRESS,
    "E": NameOID.EMAIL_ADDRESS,
    "UID": NameOID.USER_ID,
}


class BadDN(InvalidInput, ValueError):
    """Not a distinguished name in either accepted form."""

    def __init__(self, message: str):
        super().__init__(message, "/dn")


def _type(name: str) -> str:
    return ALIASES.get(name.upper(), name.upper() if len(name) <= 2 else name)


def _slash_pairs(dn: str) -> list[tuple[str, str]]:
    pairs = []
    for part in SLASH_PART.split(dn[1:]):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise BadDN(f"bad DN component {part!r}")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _rfc4514_pairs(dn: str) -> list[tuple[str, str]]:
    try:
        name = x509.Name.from_rfc4514_string(dn, RFC4514_NAMES)
    except ValueError as error:
        raise BadDN(str(error)) from None
    # `.rdns` is in ASN.1 order, the order the slash form is written in
    return [(a.rfc4514_attribute_name, str(a.value)) for rdn in name.rdns for a in rdn]


def canonical_dn(dn: str) -> str:
    """Slash form in ASN.1 order, trailing proxy CNs stripped: `/DC=ch/DC=cern/.../CN=Jo Doe`."""
    dn = (dn or "").strip()
    if not dn:
        raise BadDN("empty DN")
    pairs = _slash_pairs(dn) if dn.startswith("/") else _rfc4514_pairs(dn)
    pairs = [(_type(name), value) for name, value in pairs]
    while len(pairs) > 1 and pairs[-1][0] == "CN" and PROXY_CN.match(pairs[-1][1]):
        pairs.pop()
    if any("/" in value and "=" in value for _, value in pairs):
        raise BadDN("a DN value looks like another DN component")
    return "".join(f"/{name}={value}" for name, value in pairs)


def peer_is_trusted_proxy() -> bool:
    """The TCP peer (before any ProxyFix rewrite) is one of `TRUSTED_PROXIES`."""
    original = request.environ.get("werkzeug.proxy_fix.orig", {})
    peer = original.get("REMOTE_ADDR", request.environ.get("REMOTE_ADDR"))
    trusted = current_app.config["TRUSTED_PROXIES"]
    if not peer:  # a unix socket has no peer address; only the proxy can reach it
        return UNIX_SOCKET in trusted
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in trusted if net != UNIX_SOCKET)


def presented_dn() -> str | None:
    """The canonical DN of the verified client certificate, or None (no trusted, verified DN)."""
    config = current_app.config
    if not config["TRUSTED_PROXIES"] or not peer_is_trusted_proxy():
        return None
    if request.headers.get(config["X509_VERIFY_HEADER"], "") != "SUCCESS":
        return None
    raw = request.headers.get(config["X509_DN_HEADER"], "")
    try:
        return canonical_dn(raw) if raw else None
    except BadDN:
        return None
