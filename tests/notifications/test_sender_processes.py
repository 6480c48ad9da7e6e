"""Real `flask send-notifications` processes on a scratch database: several senders at once send
every message exactly once, and a sender killed between its committed claim and the SMTP send
loses nothing.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from deftweb import create_app
from deftweb.models import OutboxMessage, db
from deftweb.notifications.cli import send_due
from tests.conftest import app_settings
from tests.mail import smtp_server

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.no_transaction]


def scratch_app(url: str, messages: int):
    """An app on the migrated scratch database holding `messages` due outbox rows."""
    app = create_app(test_config=app_settings(url))
    with app.app_context():
        upgrade()
        db.session.add_all(
            OutboxMessage(
                dedupe_key=f"test:{n}",
                recipient=f"reader{n}@example.cern",
                subject=f"message {n}",
                body="body",
            )
            for n in range(messages)
        )
        db.session.commit()
    return app


def sender(url: str, smtp_port: int, *args: str, **settings) -> subprocess.Popen:
    env = os.environ | {
        "DEFTWEB_ENVIRONMENT": "testing",
        "DEFTWEB_SECRET_KEY": "test-secret-key",
        "DEFTWEB_DATABASE_URL": url,
        "DEFTWEB_SMTP_HOST": "127.0.0.1",
        "DEFTWEB_SMTP_PORT": str(smtp_port),
    }
    env |= {f"DEFTWEB_{key}": str(value) for key, value in settings.items()}
    command = [sys.executable, "-m", "flask", "--app", "deftweb", "send-notifications", *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def statuses(app) -> dict[str, int]:
    with app.app_context():
        query = sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        counts = dict(db.session.execute(query).all())
        db.session.remove()
    return counts


def test_three_senders_send_each_message_exactly_once(fresh_database_url):
    app = scratch_app(fresh_database_url, messages=600)
    with smtp_server() as (mail, port):
        senders = [sender(fresh_database_url, port, "--batch", "10") for _ in range(3)]
        outputs = [p.communicate(timeout=60)[0] for p in senders]
        assert [p.returncode for p in senders] == [0, 0, 0], outputs
        received = [m["Message-ID"] for m in mail.wait_for(600)]
    assert len(received) == 600
    assert sum(int(out.split()[1].rstrip(",")) for out in outputs) == 600
    assert len(set(received)) == 600, "a message was sent twice"
    assert statuses(app) == {"sent": 600}
    with app.app_context():
        db.engine.dispose()


def test_sender_killed_after_its_claim_loses_nothing(fresh_database_url):
    app = scratch_app(fresh_database_url, messages=5)
    with socket.socket() as black_hole:  # accepts, never greets: the sender hangs in SMTP
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen()
        port = black_hole.getsockname()[1]
        doomed = sender(fresh_database_url, port, NOTIFY_LEASE_SECONDS=1, SMTP_TIMEOUT=60)
        deadline = time.monotonic() + 30
        while statuses(app).get("sending") != 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert statuses(app) == {"sending": 5}, "the claim was not committed before sending"
        doomed.kill()
        doomed.communicate(timeout=10)

    time.sleep(1.1)  # the dead sender's lease runs out
    with smtp_server() as (mail, port), app.app_context():
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        outcome = send_due()
        received = mail.wait_for(5)
        db.session.remove()
    assert len(outcome.sent) == 5
    assert sorted(m["Subject"] for m in received) == [f"message {n}" for n in range(5)]
    assert statuses(app) == {"sent": 5}
    with app.app_context():
        attempts = set(db.session.scalars(sa.select(OutboxMessage.attempts)))
        db.session.remove()
        db.engine.dispose()
    assert attempts == {2}
