"""Checks on a SAML Response made before python3-saml sees it, for what the toolkit lets through.

python3-saml runs every signature Transform through libxmlsec1 (XSLT included: python3-saml issue
447), accepts a missing Destination, tests Recipient as a substring and skips an absent Audience;
libxmlsec would also follow a Reference URI outside the document.
This module parses the message once with a locked-down parser and refuses all of those.
"""

import base64
import binascii

from lxml import etree

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}

#: Enveloped signature and the canonicalisation family; nothing else may run during validation.
ALLOWED_TRANSFORMS = frozenset(
    {
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
        "http://www.w3.org/2006/12/xml-c14n11",
        "http://www.w3.org/2006/12/xml-c14n11#WithComments",
    }
)
MAX_TRANSFORMS_PER_REFERENCE = 2


class SamlRefused(Exception):
    """A SAML message we will not act on; the message is for the log, never for the user."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
    )


def decode_response(encoded: str) -> etree._Element:
    """Base64-decode and parse a SAMLResponse without DTDs, entities or network."""
    try:
        xml = base64.b64decode("".join(encoded.split()), validate=True)
        root = etree.fromstring(xml, _parser())
    except (binascii.Error, ValueError, etree.XMLSyntaxError) as error:
        raise SamlRefused(f"not a base64 XML document: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise SamlRefused("the document has a DOCTYPE")
    if root.tag != f"{{{NS['samlp']}}}Response":
        raise SamlRefused(f"the document is a {root.tag}, not a samlp:Response")
    return root


def check_transforms(root: etree._Element) -> None:
    for parent in root.iterfind(".//ds:Transforms", NS):
        transforms = parent.findall("ds:Transform", NS)
        if len(transforms) > MAX_TRANSFORMS_PER_REFERENCE:
            raise SamlRefused(f"{len(transforms)} transforms in one signature reference")
    for transform in root.iterfind(".//ds:Transform", NS):
        if transform.get("Algorithm") not in ALLOWED_TRANSFORMS:
            raise SamlRefused(f"signature transform {transform.get('Algorithm')!r} is not allowed")


def check_references(root: etree._Element) -> None:
    """Every signature reference points inside this document (`#id`): nothing to fetch."""
    for reference in root.iterfind(".//ds:Reference", NS):
        uri = reference.get("URI") or ""
        if not uri.startswith("#") or len(uri) < 2:
            raise SamlRefused(f"signature reference {uri!r} is not a same-document #id")


def the_assertion(root: etree._Element) -> etree._Element:
    """The one plain Assertion, a direct child of the Response (anything else is refused)."""
    everywhere = root.findall(".//saml:Assertion", NS)
    if root.findall(".//saml:EncryptedAssertion", NS):
        raise SamlRefused("encrypted assertions are not configured")
    if len(everywhere) != 1 or everywhere[0].getparent() is not root:
        raise SamlRefused(f"{len(everywhere)} assertions, or one not directly in the Response")
    return everywhere[0]


def check_addressing(root: etree._Element, acs_url: str, entity_id: str) -> None:
    """Destination and every bearer Recipient equal our ACS URL; an Audience names us."""
    if root.get("Destination") != acs_url:
        raise SamlRefused(f"Destination {root.get('Destination')!r} is not {acs_url!r}")
    assertion = the_assertion(root)
    recipients = [
        data.get("Recipient")
        for data in assertion.iterfind(
            "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", NS
        )
    ]
    if not recipients or any(recipient != acs_url for recipient in recipients):
        raise SamlRefused(f"Recipient {recipients!r} is not {acs_url!r}")
    audiences = [
        (audience.text or "").strip()
        for audience in assertion.iterfind(
            "saml:Conditions/saml:AudienceRestriction/saml:Audience", NS
        )
    ]
    if entity_id not in audiences:
        raise SamlRefused(f"Audience {audiences!r} does not name {entity_id!r}")


def check_response(encoded: str, acs_url: str, entity_id: str) -> None:
    """Refuse a response python3-saml must not process, or one it would accept too loosely."""
    root = decode_response(encoded)
    check_transforms(root)
    check_references(root)
    check_addressing(root, acs_url, entity_id)
