"""deftweb as deployed: nginx terminates TLS and client certificates in front of two gunicorn
instances on the suite's database (PostgreSQL in the PostgreSQL run), everything on loopback.
"""

import json
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from cryptography.x509.oid import NameOID
from flask_migrate import upgrade

from deftweb import create_app
from deftweb.auth.identity import link_certificate
from deftweb.models import Request, RequestType, User, WorkingGroup, db
from deftweb.reference_data import ensure_reference_data
from tests.conftest import app_settings
from tests.databases import create_scratch_database, drop_scratch_database
from tests.deploy import proxy_rig as rig

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]

JDOE = (
    (NameOID.DOMAIN_COMPONENT, "ch"),
    (NameOID.DOMAIN_COMPONENT, "cern"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Users"),
    (NameOID.COMMON_NAME, "jdoe"),
    (NameOID.COMMON_NAME, "John Doe"),
)
JDOE_DN = "/DC=ch/DC=cern/OU=Users/CN=jdoe/CN=John Doe"
WRITES = 500
CLIENTS = 4


class Deployment:
    def __init__(self, folder, database_url):
        self.folder = folder
        self.url = database_url
        self.pki = rig.make_pki(folder)
        self.jdoe_cert = self.pki.client("jdoe", *JDOE)
        self.stranger_cert = self.pki.client("stranger", (NameOID.COMMON_NAME, "Stranger"))
        self.request_id = _prepare_database(database_url)
        environment = _production_environment(database_url, folder)
        self.apps = [rig.start_app(environment, folder / f"gunicorn-{n}.log") for n in range(2)]
        self.proxy = rig.start_nginx(folder, self.pki, [app.port for app in self.apps])

    def client(self, certificate=None) -> rig.Client:
        return rig.Client(self.proxy, self.pki, certificate)

    def stop(self):
        self.proxy.stop()
        for app in self.apps:
            app.stop()


def _prepare_database(url: str) -> int:
    """Schema, reference data, jdoe with the certificate linked, and a request to comment on."""
    app = create_app(test_config=app_settings(url))
    with app.app_context():
        upgrade()
        ensure_reference_data()
        jdoe = User(username="jdoe", display_name="John Doe", email="jdoe@example.cern")
        db.session.add(jdoe)
        db.session.flush()
        link_certificate(jdoe, jdoe, JDOE_DN)
        request = Request(
            request_type=RequestType.MC,
            working_group=_group("HIGG"),
            provenance="AP",
            description="commented on through the proxy",
            requester=jdoe,
        )
        db.session.add(request)
        db.session.flush()
        request_id = request.id
        db.session.commit()
        # The session's connection goes back to the pool before the pool is closed: a connection
        # still checked out would outlive it and be closed by the garbage collector later.
        db.session.remove()
        db.engine.dispose()
    return request_id


def _group(code: str):
    return db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.code == code)).one()


def _production_environment(url: str, folder) -> dict:
    sqlite = url.startswith("sqlite")
    return {
        "DEFTWEB_INSTANCE_PATH": str(folder / "instance"),
        "DEFTWEB_ENVIRONMENT": "production",
        "DEFTWEB_SECRET_KEY": secrets.token_hex(32),
        "DEFTWEB_DATABASE_URL": url,
        "DEFTWEB_TRUSTED_PROXIES": "127.0.0.1",
        "DEFTWEB_PROXY_FIX_COUNT": "1",
        # SQLite keeps one writer: one worker per instance there (production refuses more).
        "WEB_CONCURRENCY": "1" if sqlite else "2",
    }


@pytest.fixture(scope="module")
def deployment(database_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deploy")
    url = create_scratch_database(database_url, folder)
    deployment = Deployment(folder, url)
    yield deployment
    deployment.stop()
    drop_scratch_database(database_url, url)


def test_a_client_certificate_signs_in_through_tls(deployment):
    client = deployment.client(deployment.jdoe_cert)
    status, _, page = client.request("GET", "/auth/x509/login?next=/")
    assert status == 200
    assert "John Doe" in page
    status, headers, body = client.request("GET", "/api/v1/me")
    assert status == 200, body
    assert '"username": "jdoe"' in body or '"username":"jdoe"' in body
    request_id = headers["X-Request-ID"]
    assert deployment.proxy.logged(f"rid={request_id} dn=")


def test_the_dn_is_mapped_per_request_for_api_clients(deployment):
    client = deployment.client(deployment.jdoe_cert)
    status, headers, body = client.request("GET", "/api/v1/me")
    assert status == 200, body
    assert "jdoe" in body
    assert "Set-Cookie" not in headers  # no session for certificate API clients


@pytest.mark.parametrize(
    "forged",
    [
        {"X-SSL-Client-S-DN": JDOE_DN, "X-SSL-Client-Verify": "SUCCESS"},
        {"X-SSL-Client-S-DN": "CN=John Doe,CN=jdoe,OU=Users,DC=cern,DC=ch"},
        {"X_SSL_Client_S_DN": JDOE_DN, "X_SSL_Client_Verify": "SUCCESS"},
    ],
    ids=["slash-form", "rfc2253-form", "underscores"],
)
def test_a_forged_dn_header_is_overwritten(deployment, forged):
    client = deployment.client()
    status, _, _ = client.request("GET", "/api/v1/me", headers=forged)
    assert status == 401
    status, _, page = client.request("GET", "/auth/x509/login", headers=forged)
    assert status == 403
    assert "No verified client certificate" in page


def test_no_certificate_means_no_certificate_sign_in(deployment):
    status, _, page = deployment.client().request("GET", "/auth/x509/login")
    assert status == 403
    assert "No verified client certificate" in page


def test_an_unlinked_certificate_is_refused_with_how_to_link_it(deployment):
    status, _, page = deployment.client(deployment.stranger_cert).request("GET", "/auth/x509/login")
    assert status == 403
    assert "not linked to a deftweb account" in page


def test_health_and_readiness_through_the_proxy(deployment):
    client = deployment.client()
    assert client.request("GET", "/healthz")[0] == 200
    assert client.request("GET", "/readyz")[0] == 200


def test_killing_one_instance_mid_run_loses_no_write(deployment):
    """500 comments, 4 at a time; one app instance is SIGKILLed after 100 of them."""
    killed = threading.Event()
    acknowledged = []
    retried = []
    lock = threading.Lock()

    def write(n: int) -> None:
        client = deployment.client(deployment.jdoe_cert)
        text = f"proxy write {n:04d}"
        path = f"/api/v1/requests/{deployment.request_id}/comments"
        payload = json.dumps({"text": text}).encode()
        headers = {"Content-Type": "application/json"}
        for _ in range(6):
            status, _, body = client.request("POST", path, payload, headers)
            if status in (200, 201):
                break
            assert status in (502, 503, 504), f"write {n}: {status} {body[:300]}"
            with lock:
                retried.append(n)
        else:
            pytest.fail(f"write {n} never succeeded")
        with lock:
            acknowledged.append(text)
            if len(acknowledged) == 100 and not killed.is_set():
                killed.set()
                deployment.apps[0].kill()

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(write, range(WRITES)))

    assert killed.is_set()
    stored = _stored_comments(deployment)
    assert len(acknowledged) == WRITES
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged writes are not in the database"
    assert len(stored) - WRITES <= len(retried)  # a retried write may have landed before the kill
    status, _, _ = deployment.client().request("GET", "/healthz")
    assert status == 200  # the surviving instance still serves


def _stored_comments(deployment) -> list[str]:
    engine = sa.create_engine(deployment.url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT comment FROM request_history WHERE request_id = :id AND kind = 'comment'"
            ),
            {"id": deployment.request_id},
        )
        comments = [row[0] for row in rows]
    engine.dispose()
    return comments
