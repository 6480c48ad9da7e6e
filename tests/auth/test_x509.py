"""Client certificates: DN forms, proxy CNs, trusted peers, the verify header, web and API login."""

import http.client
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.serving import make_server

from deftweb.auth.identity import link_certificate
from deftweb.auth.x509 import BadDN, canonical_dn

DN = "/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=jdoe/CN=123456/CN=John Doe"
RFC_DN = "CN=John Doe,CN=123456,CN=jdoe,OU=Users,OU=Organic Units,DC=cern,DC=ch"
PROXY = "127.0.0.1"


@pytest.mark.parametrize(
    "presented",
    [
        DN,
        RFC_DN,
        DN + "/CN=proxy",
        DN + "/CN=limited proxy",
        DN + "/CN=1234567890",
        DN + "/CN=proxy/CN=proxy/CN=987",
        "CN=987,CN=proxy," + RFC_DN,
        "  " + RFC_DN + " ",
    ],
)
def test_every_form_of_one_dn_is_one_canonical_dn(presented):
    assert canonical_dn(presented) == DN


@pytest.mark.parametrize(
    ("presented", "canonical"),
    [
        (
            "emailAddress=jo@cern.ch,CN=Jo\\, Doe,O=CERN,C=CH",
            "/C=CH/O=CERN/CN=Jo, Doe/emailAddress=jo@cern.ch",
        ),
        ("/C=CH/O=CERN/CN=Jo, Doe/E=jo@cern.ch", "/C=CH/O=CERN/CN=Jo, Doe/emailAddress=jo@cern.ch"),
        ("UID=jdoe,DC=cern,DC=ch", "/DC=ch/DC=cern/UID=jdoe"),
    ],
)
def test_attribute_spellings_are_folded(presented, canonical):
    assert canonical_dn(presented) == canonical


@pytest.mark.parametrize("bad", ["", "   ", "/", "not a dn", "/CN", "CN=a,,=b", "/CN=x/=y"])
def test_garbage_is_not_a_dn(bad):
    with pytest.raises(BadDN):
        canonical_dn(bad)


@pytest.fixture
def certificates_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", [PROXY, "10.0.0.0/8"])
    return app


@pytest.fixture
def jdoe(make):
    user = make.user("jdoe")
    link_certificate(user, user, DN)
    return user


def cert_headers(dn=DN, verify="SUCCESS") -> dict:
    return {"X-SSL-Client-S-DN": dn, "X-SSL-Client-Verify": verify}


def get(app, path, headers, peer=PROXY):
    return app.test_client().get(path, headers=headers, environ_base={"REMOTE_ADDR": peer})


def test_web_login_with_a_linked_certificate(certificates_on, jdoe):
    client = certificates_on.test_client()
    answer = client.get(
        "/auth/x509/login?next=/requests/1",
        headers=cert_headers("CN=12345," + RFC_DN),
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert answer.status_code == 302
    assert answer.location == "/requests/1"
    assert jdoe.identities[0].last_used_at is not None
    me = client.get("/api/v1/me", environ_base={"REMOTE_ADDR": "192.0.2.1"})  # the session now
    assert me.json["username"] == "jdoe"
    assert me.json["authenticated_by"] == "x509"


def test_api_client_authenticates_per_request_without_a_session(certificates_on, jdoe):
    answer = get(certificates_on, "/api/v1/me", cert_headers())
    assert answer.status_code == 200
    assert answer.json["username"] == "jdoe"
    assert answer.json["authenticated_by"] == "x509"
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize(
    ("peer", "headers", "why"),
    [
        ("192.0.2.7", cert_headers(), "forged headers from an untrusted peer"),
        ("::1", cert_headers(), "IPv6 loopback is not in the list"),
        (PROXY, cert_headers(verify="NONE"), "no certificate"),
        (PROXY, cert_headers(verify="FAILED:certificate has expired"), "failed verification"),
        (PROXY, cert_headers(verify="GENEROUS"), "unverified (optional_no_ca)"),
        (PROXY, cert_headers(verify="success"), "verify is exact"),
        (PROXY, {"X-SSL-Client-S-DN": DN}, "no verify header"),
        (PROXY, cert_headers(dn=""), "empty DN"),
        (PROXY, cert_headers(dn="garbage"), "unparsable DN"),
    ],
)
def test_certificate_refused(certificates_on, jdoe, peer, headers, why):
    assert get(certificates_on, "/api/v1/me", headers, peer).status_code == 401, why
    assert get(certificates_on, "/auth/x509/login", headers, peer).status_code == 403, why


def test_unknown_dn_is_told_how_to_link_it(certificates_on):
    answer = get(certificates_on, "/auth/x509/login", cert_headers())
    assert answer.status_code == 403
    assert "not linked" in answer.text
    assert "profile page" in answer.text
    api = get(certificates_on, "/api/v1/me", cert_headers())
    assert api.status_code == 403
    assert "not linked" in api.json["detail"]


def test_disabled_user_cannot_use_the_certificate(certificates_on, jdoe):
    jdoe.is_active = False
    assert get(certificates_on, "/api/v1/me", cert_headers()).status_code == 403
    assert get(certificates_on, "/auth/x509/login", cert_headers()).status_code == 403


def test_certificates_are_off_without_trusted_proxies(app, jdoe):
    assert get(app, "/api/v1/me", cert_headers()).status_code == 401
    assert get(app, "/auth/x509/login", cert_headers()).status_code == 404


def test_certificate_headers_are_ignored_outside_the_api(certificates_on, jdoe):
    answer = get(certificates_on, "/", cert_headers())
    assert answer.status_code == 302  # to the sign-in page: no silent web login


def test_a_dn_links_to_one_user_only(make, jdoe):
    from deftweb.auth.identity import IdentityRefused

    with pytest.raises(IdentityRefused, match="another account"):
        link_certificate(jdoe, make.user(), canonical_dn(RFC_DN))


def test_underscore_header_spellings_never_reach_the_app(certificates_on, jdoe):
    """Werkzeug's server drops `X_SSL_Client_S_DN` (gunicorn too, see below): no login by it."""
    server = make_server("127.0.0.1", 0, certificates_on, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        connection.request(
            "GET",
            "/api/v1/me",
            headers={
                "Host": "deftweb.test",
                "X_SSL_Client_S_DN": DN,
                "X_SSL_Client_Verify": "SUCCESS",
            },
        )
        assert connection.getresponse().status == 401
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_gunicorn_drops_underscore_headers_by_default():
    from gunicorn.config import Config

    assert Config().header_map == "drop"


def test_unix_socket_peer_is_trusted_only_when_listed(app, jdoe, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", ["127.0.0.1"])
    assert get(app, "/api/v1/me", cert_headers(), peer="").status_code == 401
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", ["unix"])
    assert get(app, "/api/v1/me", cert_headers(), peer="").status_code == 200
    assert get(app, "/api/v1/me", cert_headers(), peer=PROXY).status_code == 401


@pytest.fixture
def app_behind_one_proxy(database_url):
    from deftweb import create_app
    from deftweb.models import db
    from tests.conftest import app_settings

    behind = create_app(
        test_config=app_settings(database_url, PROXY_FIX_COUNT=1, TRUSTED_PROXIES=[PROXY])
    )
    yield behind
    with behind.app_context():
        db.engine.dispose()


def test_proxy_fix_never_lets_x_forwarded_for_stand_in_for_the_proxy(app_behind_one_proxy, jdoe):
    forged = {**cert_headers(), "X-Forwarded-For": PROXY}
    assert get(app_behind_one_proxy, "/api/v1/me", forged, peer="192.0.2.7").status_code == 401
    proxied = {**cert_headers(), "X-Forwarded-For": "192.0.2.7"}
    assert get(app_behind_one_proxy, "/api/v1/me", proxied, peer=PROXY).status_code == 200


def test_x_forwarded_for_is_ignored_without_a_proxy_count(certificates_on, jdoe):
    forged = {**cert_headers(), "X-Forwarded-For": PROXY}
    assert get(certificates_on, "/api/v1/me", forged, peer="192.0.2.7").status_code == 401


def _rfc4514_escape(value: str) -> str:
    return "".join("\\" + ch if ch in ',+"\\<>;=' else ch for ch in value)


dn_pairs = st.lists(
    st.tuples(
        st.sampled_from(["DC", "O", "OU", "CN", "L"]),  # C must be two letters
        st.from_regex(r"[A-Za-z][A-Za-z0-9 ,+.@'-]{0,15}[A-Za-z0-9]", fullmatch=True),
    ),
    min_size=1,
    max_size=6,
).filter(lambda pairs: pairs[-1][1].lower() not in ("proxy", "limited proxy"))


@given(dn_pairs)
def test_both_forms_of_any_dn_give_one_canonical_form(pairs):
    slash = "".join(f"/{name}={value}" for name, value in pairs)
    rfc = ",".join(f"{name}={_rfc4514_escape(value)}" for name, value in reversed(pairs))
    assert canonical_dn(slash) == slash
    assert canonical_dn(rfc) == slash
    assert canonical_dn(canonical_dn(rfc)) == slash
