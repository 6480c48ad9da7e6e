"""A test identity provider: its own RSA key and certificate, and signed SAML Responses.

Assertions are templated with fresh ids and times, then signed with python3-saml's own `add_sign`
(which puts the Signature right after the Issuer, where the schema wants it).
"""

import base64
import datetime as dt
import uuid
import zlib
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SP_HOST = "deftweb.test"
ACS_URL = f"https://{SP_HOST}/auth/saml/acs"
SLS_URL = f"https://{SP_HOST}/auth/saml/sls"
SP_ENTITY_ID = f"https://{SP_HOST}/auth/saml/metadata"
IDP_ENTITY_ID = "https://idp.test/auth/realms/cern"
IDP_SSO_URL = "https://idp.test/auth/realms/cern/protocol/saml"

CERN_ATTRIBUTES = {
    "upn": ["alice"],
    "EmailAddress": ["alice@cern.ch"],
    "displayName": ["Alice Liddell"],
    "PersonID": ["123456"],
    "CernRoles": ["higgs-conveners", "atlas-users"],
}


@dataclass(frozen=True)
class KeyPair:
    key_pem: str
    cert_pem: str

    @classmethod
    def generate(cls, common_name: str = "test-idp") -> "KeyPair":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return cls(key_pem, cert.public_bytes(serialization.Encoding.PEM).decode())


def sp_settings(idp_cert_pem: str) -> dict:
    """python3-saml settings for the test SP trusting the test IdP."""
    return {
        "sp": {
            "entityId": SP_ENTITY_ID,
            "assertionConsumerService": {"url": ACS_URL, "binding": C.BINDING_HTTP_POST},
            "singleLogoutService": {"url": SLS_URL, "binding": C.BINDING_HTTP_REDIRECT},
            "NameIDFormat": C.NAMEID_UNSPECIFIED,
        },
        "idp": {
            "entityId": IDP_ENTITY_ID,
            "singleSignOnService": {"url": IDP_SSO_URL, "binding": C.BINDING_HTTP_REDIRECT},
            "singleLogoutService": {"url": IDP_SSO_URL, "binding": C.BINDING_HTTP_REDIRECT},
            "x509cert": idp_cert_pem,
        },
    }


def _time(offset_seconds: int = 0) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return "_" + uuid.uuid4().hex


@dataclass
class Assertion:
    """The parts of an assertion a test may change; None leaves an element or attribute out."""

    in_response_to: str | None
    id: str = field(default_factory=new_id)
    issuer: str = IDP_ENTITY_ID
    name_id: str | None = "alice"
    recipient: str | None = ACS_URL
    audience: str | None = SP_ENTITY_ID
    method: str = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    shift: int = 0  # seconds added to every time in the assertion
    not_before: int = -30
    not_on_or_after: int = 300
    session_not_on_or_after: int = 8 * 3600
    attributes: dict | None = field(default_factory=lambda: dict(CERN_ATTRIBUTES))

    def xml(self) -> str:
        t = lambda offset: _time(self.shift + offset)  # noqa: E731
        irt = f" InResponseTo={quoteattr(self.in_response_to)}" if self.in_response_to else ""
        recipient = f" Recipient={quoteattr(self.recipient)}" if self.recipient else ""
        name_id = (
            f'<saml:NameID Format="{C.NAMEID_UNSPECIFIED}">{escape(self.name_id)}</saml:NameID>'
            if self.name_id
            else ""
        )
        audience = (
            f"<saml:AudienceRestriction><saml:Audience>{escape(self.audience)}</saml:Audience>"
            "</saml:AudienceRestriction>"
            if self.audience
            else ""
        )
        return (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'ID="{self.id}" Version="2.0" IssueInstant="{t(0)}">'
            f"<saml:Issuer>{escape(self.issuer)}</saml:Issuer>"
            f"<saml:Subject>{name_id}"
            f'<saml:SubjectConfirmation Method="{self.method}">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{t(self.not_on_or_after)}"'
            f"{recipient}{irt}/></saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{t(self.not_before)}" '
            f'NotOnOrAfter="{t(self.not_on_or_after)}">{audience}</saml:Conditions>'
            f'<saml:AuthnStatement AuthnInstant="{t(0)}" '
            f'SessionNotOnOrAfter="{t(self.session_not_on_or_after)}" SessionIndex="{new_id()}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            f"{C.AC_PASSWORD_PROTECTED}</saml:AuthnContextClassRef></saml:AuthnContext>"
            f"</saml:AuthnStatement>{self._attribute_statement()}</saml:Assertion>"
        )

    def _attribute_statement(self) -> str:
        if self.attributes is None:
            return ""
        parts = []
        for name, values in self.attributes.items():
            items = "".join(
                f'<saml:AttributeValue xsi:type="xs:string">{escape(v)}</saml:AttributeValue>'
                for v in values
            )
            parts.append(f"<saml:Attribute Name={quoteattr(name)}>{items}</saml:Attribute>")
        return f"<saml:AttributeStatement>{''.join(parts)}</saml:AttributeStatement>"


def sign(xml: str, keys: KeyPair, algorithm: str = C.RSA_SHA256, digest: str = C.SHA256) -> str:
    signed = OneLogin_Saml2_Utils.add_sign(
        xml, keys.key_pem, keys.cert_pem, False, algorithm, digest
    )
    return signed.decode() if isinstance(signed, bytes) else signed


def strip_declaration(xml: str) -> str:
    return xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml


def response(
    assertions: list[str],
    in_response_to: str | None,
    destination: str | None = ACS_URL,
    issuer: str = IDP_ENTITY_ID,
    status: str = C.STATUS_SUCCESS,
    version: str = "2.0",
) -> str:
    irt = f" InResponseTo={quoteattr(in_response_to)}" if in_response_to else ""
    dest = f" Destination={quoteattr(destination)}" if destination else ""
    body = "".join(strip_declaration(a) for a in assertions)
    return (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="{new_id()}" Version="{version}" IssueInstant="{_time()}"{dest}{irt}>'
        f"<saml:Issuer>{escape(issuer)}</saml:Issuer>"
        f'<samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status>{body}'
        "</samlp:Response>"
    )


def encode(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


def authn_request_of(location: str) -> tuple[str, str]:
    """From the IdP redirect: (AuthnRequest ID, RelayState)."""
    query = parse_qs(urlsplit(location).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    return etree.fromstring(xml).get("ID"), query["RelayState"][0]
