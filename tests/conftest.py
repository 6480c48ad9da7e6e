"""Test fixtures: one app per run on the database named by DEFTWEB_TEST_DATABASE_URL (SQLite file
by default), each test inside a transaction rolled back at its end, factories and `login_as`.
"""

import os
import socket
import time
import uuid

import pytest
import sqlalchemy as sa
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from deftweb import create_app
from deftweb.models import GlobalRole, db
from deftweb.reference_data import ensure_reference_data
from tests.databases import (
    create_scratch_database,
    drop_scratch_database,
    reset_database,
    suite_database_url,
)
from tests.factories import Factories


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return suite_database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def app(database_url):
    """The app, on a database freshly migrated to head and holding the reference data."""
    reset_database(database_url)
    app = create_app(test_config=app_settings(database_url))
    request_started.connect(_forget_request_user, app)
    _migrate_and_fill_reference_data(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def _migrate_and_fill_reference_data(app) -> None:
    with app.app_context():
        upgrade()
        ensure_reference_data()
        db.session.commit()
        db.session.remove()


def _forget_request_user(app, **_extra):
    """Tests keep one app context open, so `g` outlives a request: drop who the last one was."""
    g.pop("_login_user", None)
    g.pop("auth_method", None)
    g.pop("certificate_refused", None)


def app_settings(database_url: str, **overrides) -> dict:
    settings = {
        "ENVIRONMENT": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "DEV_LOGIN": True,
        "WTF_CSRF_ENABLED": False,  # the CSRF tests switch it on
        "SERVER_NAME": "deftweb.test",
    }
    settings.update(overrides)
    return settings


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run the test in a transaction that is rolled back at its end; commits become savepoints."""
    if "no_transaction" in request.keywords:
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        original = db.session
        db.session = scoped_session(factory, scopefunc=original.registry.scopefunc)
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def fresh_database_url(tmp_path, database_url):
    """The URL of a new, empty database on the suite's backend, dropped after the test."""
    url = create_scratch_database(database_url, tmp_path)
    yield url
    drop_scratch_database(database_url, url)


@pytest.fixture
def migrated_app(fresh_database_url):
    """The app on a scratch database at the newest migration with the reference data. Nothing is
    rolled back: for races between threads or processes (mark the test `no_transaction`)."""
    app = create_app(test_config=app_settings(fresh_database_url))
    _migrate_and_fill_reference_data(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app) -> Factories:
    """Factories: `make.user(...)`, `make.request(...)`, `make.task(...)`; each flushes."""
    return Factories()


@pytest.fixture
def login_as(client):
    """Sign the test client in as a user, the way a browser keeps its login cookie."""

    def login(user):
        now = int(time.time())
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session.update({"login_at": now, "seen_at": now, "auth_method": "dev"})
        return user

    return login


@pytest.fixture
def member(make, login_as):
    """A HIGG member, signed in: may file requests for HIGG and browse everything."""
    return login_as(make.user(groups={"HIGG": "member"}))


@pytest.fixture
def manager(make, login_as):
    """A production manager, signed in: task actions, task definition, dataset registration."""
    return login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))


@pytest.fixture(autouse=True)
def _no_network_beyond_loopback(monkeypatch):
    """Tests talk to loopback only (test servers, PostgreSQL); anything else is a bug."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        inet = sock.family in (socket.AF_INET, socket.AF_INET6)
        if inet and isinstance(host, str) and not _is_loopback(host):
            raise RuntimeError(f"test tried to reach {address!r}: only loopback is allowed")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def _is_loopback(host: str) -> bool:
    return host in ("::1", "localhost") or host.startswith("127.")


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def backend(url: str) -> str:
    return sa.make_url(url).get_backend_name()


def on_postgresql() -> bool:
    return backend(os.environ.get("DEFTWEB_TEST_DATABASE_URL", "sqlite://")) == "postgresql"


@pytest.fixture
def mail(app, monkeypatch):
    """A real SMTP server on loopback (aiosmtpd); the app's outbox sender delivers to it."""
    from tests.mail import smtp_server

    with smtp_server() as (catcher, port):
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", port)
        yield catcher
