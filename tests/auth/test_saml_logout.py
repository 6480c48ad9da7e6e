"""Single logout both ways: our sign-out continues at the IdP; the IdP's signed LogoutRequest
ends the user's sessions here."""

import base64
import zlib
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C

from tests.auth.saml_idp import IDP_ENTITY_ID, IDP_SSO_URL, SLS_URL, _time, new_id
from tests.auth.test_saml_login import signed_in_as, sso_login


def redirect_binding_query(keys, parameter: str, xml: str, signed: bool = True) -> str:
    """A SAML message on the HTTP-Redirect binding, signed over the query string."""
    deflated = zlib.compress(xml.encode())[2:-4]
    query = urlencode({parameter: base64.b64encode(deflated).decode(), "SigAlg": C.RSA_SHA256})
    if not signed:
        return query
    key = serialization.load_pem_private_key(keys.key_pem.encode(), None)
    signature = key.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
    return query + "&" + urlencode({"Signature": base64.b64encode(signature).decode()})


def logout_request_query(keys, name_id="alice", signed=True) -> str:
    """An IdP-initiated LogoutRequest."""
    xml = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="{new_id()}" Version="2.0" IssueInstant="{_time()}" Destination="{SLS_URL}">'
        f"<saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer><saml:NameID>{name_id}</saml:NameID>"
        "</samlp:LogoutRequest>"
    )
    return redirect_binding_query(keys, "SAMLRequest", xml, signed)


def logout_response_query(keys, in_response_to: str) -> str:
    """The IdP's answer to our LogoutRequest."""
    xml = (
        '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="{new_id()}" Version="2.0" IssueInstant="{_time()}" Destination="{SLS_URL}" '
        f'InResponseTo="{in_response_to}"><saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>'
        f'<samlp:Status><samlp:StatusCode Value="{C.STATUS_SUCCESS}"/></samlp:Status>'
        "</samlp:LogoutResponse>"
    )
    return redirect_binding_query(keys, "SAMLResponse", xml)


def test_sign_out_after_sso_continues_at_the_idp(start_sso, post_to_acs, idp_keys):
    client, _ = sso_login(start_sso, post_to_acs, idp_keys)
    answer = client.post("/auth/logout")
    assert answer.status_code == 302
    assert answer.location.startswith(IDP_SSO_URL + "?SAMLRequest=")
    assert "RelayState" in parse_qs(urlsplit(answer.location).query)
    assert signed_in_as(client) is None
    query = parse_qs(urlsplit(answer.location).query)
    request_xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    request_id = request_xml.split(' ID="')[1].split('"')[0]
    back = client.get("/auth/saml/sls?" + logout_response_query(idp_keys, request_id))
    assert back.status_code == 302
    assert back.location == "/auth/login"
    assert "You are signed out" in client.get(back.location).text


def test_idp_logout_request_ends_the_users_sessions(saml_app, start_sso, post_to_acs, idp_keys):
    laptop, _ = sso_login(start_sso, post_to_acs, idp_keys)
    phone, _ = sso_login(start_sso, post_to_acs, idp_keys)
    assert signed_in_as(laptop) == "alice"
    idp = saml_app.test_client()  # the IdP's redirect may come without our cookie
    answer = idp.get("/auth/saml/sls?" + logout_request_query(idp_keys))
    assert answer.status_code == 302
    assert answer.location.startswith(IDP_SSO_URL + "?SAMLResponse=")
    assert signed_in_as(laptop) is None
    assert signed_in_as(phone) is None


def test_unsigned_or_foreign_logout_requests_are_refused(
    saml_app, start_sso, post_to_acs, idp_keys, foreign_keys
):
    laptop, _ = sso_login(start_sso, post_to_acs, idp_keys)
    idp = saml_app.test_client()
    for query in (
        logout_request_query(idp_keys, signed=False),
        logout_request_query(foreign_keys),
        logout_request_query(idp_keys).replace("SigAlg=", "SigAlg=x"),
    ):
        answer = idp.get("/auth/saml/sls?" + query)
        assert answer.status_code == 403
        assert "Sign-out could not be completed" in answer.text
    assert signed_in_as(laptop) == "alice"
