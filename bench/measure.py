"""Server-side timings in-process: each page through the Flask test client, SQL counted."""

import statistics
import time
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from flask import session
from sqlalchemy import event

from deftweb.auth.sessions import start_session
from deftweb.listing.table import encode_cursor
from deftweb.models import Task, User, db

DEEP_OFFSET = 50_000  # page 1001 of 50-row pages


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    url: str
    reference_url: str | None
    load_test: bool = False


def scenarios(app) -> list[Scenario]:
    """The pages measured; deep cursors and the search term come from the data itself."""
    with app.app_context():
        deep_done = _deep_cursor(Task.status == "done")
        deep_two = _deep_cursor(Task.campaign == "MC23:MC23a", Task.status == "done")
        term = _selective_term()
    two = "campaign=MC23:MC23a&status=done"
    ref_tasks, ref_requests = "/bench/prodtask/tasks", "/bench/prodtask/requests"
    return [
        Scenario("tasks_1f_p1", "tasks, status=done, page 1", "/tasks/?status=done",
                 f"{ref_tasks}?status=done", True),
        Scenario("tasks_1f_p1001", "tasks, status=done, page 1001",
                 f"/tasks/?status=done&after={deep_done}&page=1001",
                 f"{ref_tasks}?status=done&start={DEEP_OFFSET}", True),
        Scenario("tasks_2f_p1", "tasks, campaign+status, page 1", f"/tasks/?{two}",
                 f"{ref_tasks}?{two}"),
        Scenario("tasks_2f_p1001", "tasks, campaign+status, page 1001",
                 f"/tasks/?{two}&after={deep_two}&page=1001",
                 f"{ref_tasks}?{two}&start={DEEP_OFFSET}"),
        Scenario("tasks_group_status", "tasks, group=AP_HIGG+status=running, page 1",
                 "/tasks/?group=AP_HIGG&status=running",
                 f"{ref_tasks}?group=AP_HIGG&status=running"),
        Scenario("tasks_group_code", "tasks, group=HIGG (any provenance)+status=done, page 1",
                 "/tasks/?group=HIGG&status=done", f"{ref_tasks}?group=HIGG&status=done"),
        Scenario("tasks_by_update", "tasks, status=running, newest update first, page 1",
                 "/tasks/?status=running&sort=-updated_at", None),
        Scenario("tasks_search", f"tasks, name contains {term!r}", f"/tasks/?name={quote(term)}",
                 f"{ref_tasks}?search={quote(term)}", True),
        Scenario("tasks_search_common", "tasks, name contains 'ttbar' (common)",
                 "/tasks/?name=ttbar", f"{ref_tasks}?search=ttbar"),
        Scenario("requests_p1", "requests, page 1", "/requests/", ref_requests, True),
        Scenario("requests_active", "requests, status=active, page 1",
                 "/requests/?status=active", f"{ref_requests}?status=active"),
    ]  # fmt: skip


def count_url(page_url: str) -> str:
    """The count fragment of a list page: /tasks/?x=1 -> /tasks/count?x=1."""
    path, _, query = page_url.partition("?")
    return f"{path}count?{query}"


def _deep_cursor(*where) -> str:
    query = sa.select(Task.id).where(*where).order_by(Task.id.desc())
    row_id = db.session.scalar(query.offset(DEEP_OFFSET - 1).limit(1))
    return encode_cursor(row_id, row_id)


def _selective_term() -> str:
    """The dataset brief of a task in the middle of the table: a few dozen tasks share it."""
    middle = db.session.scalar(sa.select(sa.func.max(Task.id) + sa.func.min(Task.id))) // 2
    name = db.session.scalar(sa.select(Task.name).where(Task.id >= middle).limit(1))
    return name.split(".")[2]


def session_cookie(app) -> tuple[str, str]:
    """A signed-in session cookie (name, value) for a bench user, usable by any HTTP client."""
    with app.test_request_context():
        user = db.session.scalars(sa.select(User).order_by(User.id)).first()
        start_session(user, "bench")
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        db.session.rollback()
    return app.config["SESSION_COOKIE_NAME"], value


class StatementCounter:
    """Counts the SQL statements sent through `engine` while in a `with` block."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1


def time_page(app, url: str, runs: int, warmup: int = 10, budget_s: float = 60) -> dict:
    """p50/p95 server time in ms of `url`, and its SQL statements per page.

    Stops early (after at least 5 runs) when `budget_s` is spent: the reference's searches take
    seconds each at 10^6 rows.
    """
    client = app.test_client()
    client.set_cookie(*session_cookie(app), domain="localhost")
    for _ in range(warmup):
        _get(client, url)
    samples, cpu, statements, size = [], [], 0, 0
    with app.app_context():
        engine = db.engine
    deadline = time.perf_counter() + budget_s
    with StatementCounter(engine) as counter:
        for _ in range(runs):
            if len(samples) >= 5 and time.perf_counter() > deadline:
                break
            counter.count = 0
            started, started_cpu = time.perf_counter(), time.process_time()
            size = len(_get(client, url))
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            statements = max(statements, counter.count)
    return {
        "runs": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": _p95(samples),
        # This process's CPU time (SQLite's work included, PostgreSQL's not): on a busy shared
        # machine wall time also holds the waits for a core, CPU time does not.
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": _p95(cpu),
        "statements": statements,
        "bytes": size,
    }


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2)


def _get(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response.data
