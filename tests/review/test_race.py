"""Racing approvals through gunicorn: 4 client processes each try to approve all 200 requests,
all holding version 1, in the same order, so that they collide on nearly every request.

Every request is moved exactly once, the audit rows equal the moves, each loser gets 409 with a
message, and nothing answers 500 or "database is locked" (SQLite: BEGIN IMMEDIATE, WAL and a busy
timeout; PostgreSQL: the compare-and-set UPDATE).
"""

import http.client
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from deftweb import create_app
from deftweb.auth.api_tokens import create_token
from deftweb.models import (
    HistoryKind,
    OutboxMessage,
    Request,
    RequestHistory,
    RequestStatus,
    RequestType,
    db,
)
from deftweb.reference_data import ensure_reference_data
from tests.conftest import app_settings
from tests.factories import Factories
from tests.mail import free_port

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
REQUESTS = 200
#: gunicorn workers, as many as the client processes: up to 4 transactions at once.
WORKERS = 4

pytestmark = [pytest.mark.slow, pytest.mark.no_transaction]


def prepare(url: str) -> tuple[list[int], str]:
    """Migrate the scratch database; file REQUESTS waiting requests; a convener's API token."""
    app = create_app(test_config=app_settings(url))
    with app.app_context():
        upgrade()
        ensure_reference_data()
        make = Factories()
        requester = make.user(groups={"HIGG": "member"})
        convener = make.user(groups={"HIGG": "convener"})
        ids = [
            make.request(
                requester=requester, request_type=RequestType.GROUP, status="waiting", slices=0
            ).id
            for _ in range(REQUESTS)
        ]
        _, secret = create_token(convener, "race", days=1, max_days=30)
        db.session.commit()
        db.engine.dispose()
    return ids, secret


def start_gunicorn(url: str, port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DEFTWEB_ENVIRONMENT": "testing",
        "DEFTWEB_SECRET_KEY": "race-secret-key",
        "DEFTWEB_DATABASE_URL": url,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "deftweb:create_app()",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if call(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("gunicorn did not start:\n" + log.read_text())


def call(port: int, method: str, path: str, body=None, token: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, json.dumps(body) if body else None, headers)
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def approve_all(port: int, token: str, ids: list[int], seed: int) -> list[tuple[int, int, str]]:
    """One client process: a reviewer who loaded every request at version 1 (before anyone acted)
    approves them one after the other, thinking 0.5-5 ms before each click."""
    rng = random.Random(seed)
    results = []
    for request_id in ids:
        time.sleep(rng.uniform(0.0005, 0.005))
        move = {"to": "registered", "version": 1, "comment": f"client {seed}"}
        path = f"/api/v1/requests/{request_id}/transitions"
        status, body = call(port, "POST", path, move, token)
        results.append((request_id, status, body))
    return results


def test_racing_approvals_move_each_request_exactly_once(fresh_database_url, tmp_path):
    ids, token = prepare(fresh_database_url)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(fresh_database_url, port, log)
    started = time.monotonic()
    try:
        with ProcessPoolExecutor(PROCESSES, mp_context=get_context("spawn")) as pool:
            runs = pool.map(
                approve_all, *zip(*[(port, token, ids, n) for n in range(PROCESSES)], strict=False)
            )
            results = [r for run in runs for r in run]
    finally:
        server.terminate()
        server.wait(timeout=30)
    elapsed = time.monotonic() - started

    codes = Counter(status for _, status, _ in results)
    assert set(codes) <= {200, 409}, f"unexpected answers {codes}: {log.read_text()[-3000:]}"
    winners = Counter(request_id for request_id, status, _ in results if status == 200)
    assert sorted(winners) == sorted(ids)
    assert set(winners.values()) == {1}, "a request was moved twice"
    losers = [body for _, status, body in results if status == 409]
    assert len(losers) == PROCESSES * REQUESTS - REQUESTS
    assert all("already registered" in b or "changed after you loaded it" in b for b in losers)
    assert "database is locked" not in log.read_text()
    assert "Traceback" not in log.read_text()
    assert_database_agrees(fresh_database_url, ids)
    print(f"\n{PROCESSES}x{REQUESTS} racing approvals in {elapsed:.1f} s; answers {dict(codes)}")


def assert_database_agrees(url: str, ids: list[int]) -> None:
    app = create_app(test_config=app_settings(url))
    with app.app_context():
        statuses = Counter(db.session.scalars(sa.select(Request.status).where(Request.id.in_(ids))))
        moves = db.session.scalars(
            sa.select(RequestHistory.request_id).where(
                RequestHistory.kind == HistoryKind.TRANSITION
            )
        ).all()
        versions = set(db.session.scalars(sa.select(Request.version).where(Request.id.in_(ids))))
        mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
        db.session.remove()
        db.engine.dispose()
    assert statuses == {RequestStatus.REGISTERED: REQUESTS}
    assert sorted(moves) == sorted(ids), "audit rows must equal transitions, one per request"
    assert versions == {2}
    assert mails == REQUESTS  # one outbox row for each requester's mail
