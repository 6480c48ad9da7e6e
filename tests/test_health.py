"""/healthz and /readyz for load balancers; request ids shared with the proxy's log."""

import json
import logging

import pytest
from flask_migrate import downgrade, upgrade

from deftweb import create_app
from deftweb.models import db
from deftweb.request_log import JsonLineFormatter
from tests.conftest import app_settings


def test_readyz_when_the_schema_is_at_the_newest_migration(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["database_revision"] == response.json["code_revision"]


@pytest.mark.no_transaction
def test_readyz_refuses_while_migrations_are_pending(fresh_database_url):
    app = create_app(test_config=app_settings(fresh_database_url))
    client = app.test_client()

    def migrate(step, **options):
        with app.app_context():
            step(**options)

    assert client.get("/readyz").status_code == 503  # an empty database
    migrate(upgrade)
    assert client.get("/readyz").status_code == 200
    migrate(downgrade, revision="-1")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "migrations pending"
    with app.app_context():
        db.engine.dispose()


def test_request_id_is_kept_from_the_proxy_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "a1b2c3d4e5f60718"})
    assert given.headers["X-Request-ID"] == "a1b2c3d4e5f60718"
    made = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    refused = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"})
    assert len(refused.headers["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id(app):
    record = logging.LogRecord(
        "deftweb.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None
    )
    with app.test_request_context("/tasks/7", headers={"X-Request-ID": "req-12345678"}):
        app.preprocess_request()
        line = json.loads(JsonLineFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "req-12345678"
    assert line["path"] == "/tasks/7"
