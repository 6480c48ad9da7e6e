"""SAML sign-in, the refusals: each case posts a crafted response to the real ACS (no cookies)
and must be refused, log why, and leave the browser signed out."""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C

from deftweb.models import SamlPendingRequest, User, db, utcnow
from tests.auth.saml_idp import (
    ACS_URL,
    Assertion,
    KeyPair,
    encode,
    new_id,
    response,
    sign,
)

C14N = '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
XSLT = (
    '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116">'
    '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
    '<xsl:template match="/"><xsl:copy-of select="."/></xsl:template></xsl:stylesheet>'
    "</ds:Transform>"
)
XPATH = (
    '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">'
    "<ds:XPath>1</ds:XPath></ds:Transform>"
)


@dataclass
class Flow:
    """One SP-initiated login in progress, and the keys to answer it with."""

    request_id: str
    relay: str
    keys: KeyPair
    foreign: KeyPair

    def signed(self, keys: KeyPair | None = None, **fields) -> str:
        fields.setdefault("in_response_to", self.request_id)
        return sign(Assertion(**fields).xml(), keys or self.keys)

    def answer(self, assertions: list[str], **fields) -> tuple[str, str]:
        fields.setdefault("in_response_to", self.request_id)
        return encode(response(assertions, **fields)), self.relay


def _evil_assertion(flow: Flow, inner: str = "") -> str:
    """An unsigned assertion for mallory, optionally hiding a signed one inside its Advice."""
    evil = Assertion(in_response_to=flow.request_id, name_id="mallory")
    evil.attributes = {"upn": ["mallory"]}
    xml = evil.xml()
    if inner:
        advice = f"<saml:Advice>{inner}</saml:Advice>"
        xml = xml.replace("</saml:Conditions>", f"</saml:Conditions>{advice}", 1)
    return xml


def _inject(flow: Flow, marker: str, extra: str) -> tuple[str, str]:
    """A good signed response with `extra` put before `marker`."""
    xml = response([flow.signed()], flow.request_id)
    return encode(xml.replace(marker, extra + marker, 1)), flow.relay


def _response_signed_only(flow: Flow) -> tuple[str, str]:
    unsigned = Assertion(in_response_to=flow.request_id).xml()
    whole = response([unsigned], flow.request_id)
    return encode(sign(whole, flow.keys)), flow.relay


CASES = {
    # the signature
    "tampered value": lambda f: f.answer([f.signed().replace(">alice@cern.ch<", ">eve@cern.ch<")]),
    "tampered user name": lambda f: f.answer([f.signed().replace(">alice<", ">admin<")]),
    "unsigned assertion": lambda f: f.answer([Assertion(in_response_to=f.request_id).xml()]),
    "only the response signed": _response_signed_only,
    "signed by a foreign key": lambda f: f.answer([f.signed(keys=f.foreign)]),
    "rsa-sha1 signature": lambda f: f.answer(
        [sign(Assertion(in_response_to=f.request_id).xml(), f.keys, C.RSA_SHA1, C.SHA1)]
    ),
    "sha1 digest": lambda f: f.answer(
        [sign(Assertion(in_response_to=f.request_id).xml(), f.keys, C.RSA_SHA256, C.SHA1)]
    ),
    "signature removed": lambda f: f.answer([_strip_signature(f.signed())]),
    # what the guard refuses before python3-saml sees it
    "XSLT transform": lambda f: f.answer([f.signed().replace(C14N, XSLT)]),
    "XPath transform": lambda f: f.answer([f.signed().replace(C14N, XPATH)]),
    "three transforms": lambda f: f.answer([f.signed().replace(C14N, C14N * 2)]),
    "external reference": lambda f: f.answer(
        [
            re.sub(
                r'<ds:Reference URI="[^"]*"',
                '<ds:Reference URI="http://evil.example/x"',
                f.signed(),
            )
        ]
    ),
    "whole-document reference": lambda f: f.answer(
        [re.sub(r'<ds:Reference URI="[^"]*"', '<ds:Reference URI=""', f.signed())]
    ),
    "wrapped signature in Advice": lambda f: f.answer([_evil_assertion(f, f.signed())]),
    "wrapped signature beside": lambda f: f.answer([_evil_assertion(f), f.signed()]),
    "two signed assertions": lambda f: f.answer([f.signed(), f.signed()]),
    "assertion hidden in Extensions": lambda f: _inject(
        f, "<samlp:Status>", f"<samlp:Extensions>{_evil_assertion(f)}</samlp:Extensions>"
    ),
    "encrypted assertion": lambda f: _inject(f, "</samlp:Response>", "<saml:EncryptedAssertion/>"),
    "DOCTYPE with an entity": lambda f: (
        encode(
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "alice">]>'
            + response([f.signed()], f.request_id)
        ),
        f.relay,
    ),
    "not base64": lambda f: ("%%% not base64 %%%", f.relay),
    "not XML": lambda f: (encode("<samlp:Response"), f.relay),
    "empty": lambda f: ("", f.relay),
    "an AuthnRequest instead": lambda f: (
        encode('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'),
        f.relay,
    ),
    # time
    "expired": lambda f: f.answer([f.signed(shift=-3600)]),
    "not yet valid": lambda f: f.answer([f.signed(not_before=3600)]),
    "session already over": lambda f: f.answer([f.signed(session_not_on_or_after=-600)]),
    # addressing
    "wrong audience": lambda f: f.answer([f.signed(audience="https://other.example/sp")]),
    "no audience": lambda f: f.answer([f.signed(audience=None)]),
    "wrong destination": lambda f: f.answer([f.signed()], destination="https://evil.example/acs"),
    "missing destination": lambda f: f.answer([f.signed()], destination=None),
    "http destination": lambda f: f.answer(
        [f.signed()], destination=ACS_URL.replace("https", "http")
    ),
    "destination with a suffix": lambda f: f.answer([f.signed()], destination=ACS_URL + "/x"),
    "wrong recipient": lambda f: f.answer([f.signed(recipient="https://evil.example/acs")]),
    "recipient containing ours": lambda f: f.answer(
        [f.signed(recipient="https://evil.example/?" + ACS_URL)]
    ),
    "missing recipient": lambda f: f.answer([f.signed(recipient=None)]),
    "wrong issuer": lambda f: f.answer(
        [f.signed(issuer="https://evil.example/idp")], issuer="https://evil.example/idp"
    ),
    "holder-of-key, not bearer": lambda f: f.answer(
        [f.signed(method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")]
    ),
    # binding to our request
    "no InResponseTo (unsolicited)": lambda f: f.answer(
        [f.signed(in_response_to=None)], in_response_to=None
    ),
    "foreign InResponseTo": lambda f: f.answer(
        [f.signed(in_response_to=new_id())], in_response_to=new_id()
    ),
    "InResponseTo only on the response": lambda f: f.answer([f.signed(in_response_to=new_id())]),
    "no RelayState": lambda f: (f.answer([f.signed()])[0], None),
    "unknown RelayState": lambda f: (f.answer([f.signed()])[0], "forged-token"),
    # content
    "IdP says failure": lambda f: f.answer([f.signed()], status=C.STATUS_RESPONDER),
    "SAML version 1.1": lambda f: f.answer([f.signed()], version="1.1"),
    "no NameID": lambda f: f.answer([f.signed(name_id=None)]),
    "no attributes": lambda f: f.answer([f.signed(attributes=None)]),
    "no login name": lambda f: f.answer([f.signed(attributes={"EmailAddress": ["x@cern.ch"]})]),
    "login name with a slash": lambda f: f.answer([f.signed(attributes={"upn": ["../admin"]})]),
}


#: Why each case is refused, as the log says it: a case must fail for its own reason.
REASONS = {
    "tampered value": "Signature validation failed",
    "tampered user name": "Signature validation failed",
    "unsigned assertion": "Assertion of the Response is not signed",
    "only the response signed": "Assertion of the Response is not signed",
    "signed by a foreign key": "Signature validation failed",
    "rsa-sha1 signature": "Deprecated signature algorithm",
    "sha1 digest": "Deprecated digest algorithm",
    "signature removed": "Assertion of the Response is not signed",
    "XSLT transform": "REC-xslt-19991116' is not allowed",
    "XPath transform": "REC-xpath-19991116' is not allowed",
    "three transforms": "3 transforms in one signature reference",
    "external reference": "'http://evil.example/x' is not a same-document #id",
    "whole-document reference": "'' is not a same-document #id",
    "wrapped signature in Advice": "2 assertions",
    "wrapped signature beside": "2 assertions",
    "two signed assertions": "2 assertions",
    "assertion hidden in Extensions": "2 assertions",
    "encrypted assertion": "encrypted assertions are not configured",
    "DOCTYPE with an entity": "DOCTYPE",
    "not base64": "not a base64 XML document",
    "not XML": "not a base64 XML document",
    "empty": "not a base64 XML document",
    "an AuthnRequest instead": "not a samlp:Response",
    "expired": "expired",
    "not yet valid": "not yet valid",
    "session already over": "SessionNotOnOrAfter",
    "wrong audience": "Audience",
    "no audience": "Audience []",
    "wrong destination": "Destination 'https://evil.example/acs'",
    "missing destination": "Destination None",
    "http destination": "Destination 'http://",
    "destination with a suffix": "acs/x' is not",
    "wrong recipient": "Recipient ['https://evil.example/acs']",
    "recipient containing ours": "Recipient ['https://evil.example/?",
    "missing recipient": "Recipient [None]",
    "wrong issuer": "Invalid issuer",
    "holder-of-key, not bearer": "valid SubjectConfirmation was not found",
    "no InResponseTo (unsolicited)": "InResponseTo does not answer our AuthnRequest",
    "foreign InResponseTo": "does not match the ID of the AuthNRequest",
    "InResponseTo only on the response": "valid SubjectConfirmation was not found",
    "no RelayState": "unknown, used or expired RelayState",
    "unknown RelayState": "unknown, used or expired RelayState",
    "IdP says failure": "was not Success",
    "SAML version 1.1": "Unsupported SAML version",
    "no NameID": "NameID not found",
    "no attributes": "no AttributeStatement",
    "no login name": "no identifier among",
    "login name with a slash": "no usable login name",
}


def _strip_signature(xml: str) -> str:
    start, end = xml.index("<ds:Signature"), xml.index("</ds:Signature>") + len("</ds:Signature>")
    return xml[:start] + xml[end:]


@pytest.fixture
def flow(start_sso, idp_keys, foreign_keys) -> Flow:
    request_id, relay = start_sso()
    return Flow(request_id, relay, idp_keys, foreign_keys)


def assert_signed_out(client, answer):
    assert answer.status_code in (400, 403), answer.status_code
    assert "_user_id" not in (answer.headers.get("Set-Cookie") or "")
    me = client.get("/api/v1/me")
    assert me.status_code == 401
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_refused(case, flow, post_to_acs, caplog):
    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    saml_response, relay = CASES[case](flow)
    with caplog.at_level(logging.WARNING, logger="deftweb.auth.pages"):
        client, answer = post_to_acs(saml_response, relay)
    assert_signed_out(client, answer)
    assert "Sign-in failed" in answer.text
    refusals = [r.getMessage() for r in caplog.records if "SSO sign-in refused" in r.getMessage()]
    assert len(refusals) == 1
    assert REASONS[case] in refusals[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
    # the RelayState token is burnt: not even the right answer works now
    if relay == flow.relay:
        _, retry = post_to_acs(*flow.answer([flow.signed()]))
        assert retry.status_code == 403


def test_there_are_at_least_30_refusal_cases_each_with_its_reason():
    assert len(CASES) >= 30
    assert set(REASONS) == set(CASES)


def test_replaying_the_same_post_is_refused(flow, post_to_acs):
    form = flow.answer([flow.signed()])
    _, first = post_to_acs(*form)
    assert first.status_code == 302
    client, again = post_to_acs(*form)
    assert_signed_out(client, again)


def test_an_old_response_with_a_new_relay_state_is_refused(flow, start_sso, post_to_acs):
    saml_response, _ = flow.answer([flow.signed()])
    post_to_acs(saml_response, flow.relay)
    _, new_relay = start_sso()
    client, answer = post_to_acs(saml_response, new_relay)
    assert_signed_out(client, answer)


def test_a_seen_assertion_id_is_refused_even_for_a_new_request(
    flow, start_sso, post_to_acs, caplog
):
    assertion_id = new_id()
    post_to_acs(*flow.answer([flow.signed(id=assertion_id)]))
    second = Flow(*start_sso(), flow.keys, flow.foreign)
    with caplog.at_level(logging.WARNING, logger="deftweb.auth.pages"):
        client, answer = post_to_acs(*second.answer([second.signed(id=assertion_id)]))
    assert_signed_out(client, answer)
    assert "replay" in caplog.text


def test_an_expired_relay_state_is_refused(flow, post_to_acs):
    pending = db.session.get(SamlPendingRequest, flow.relay)
    pending.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    client, answer = post_to_acs(*flow.answer([flow.signed()]))
    assert_signed_out(client, answer)


def test_an_oversized_body_is_refused(flow, post_to_acs, app, monkeypatch):
    monkeypatch.setitem(app.config, "SAML_MAX_RESPONSE_BYTES", 2048)
    client, answer = post_to_acs(*flow.answer([flow.signed()]))
    assert answer.status_code == 413
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_foreign_next_is_replaced_by_the_dashboard(next_path, start_sso, post_to_acs, idp_keys):
    request_id, relay = start_sso(next_path)
    signed = sign(Assertion(in_response_to=request_id).xml(), idp_keys)
    _, answer = post_to_acs(encode(response([signed], request_id)), relay)
    assert answer.status_code == 302
    assert answer.location == "/"
