"""The bench databases: migrated, then filled in bulk with requests and tasks (kept for reruns)."""

import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from deftweb.database import begin_write
from deftweb.demo.request_generator import generate_requests
from deftweb.demo.task_generator import generate_tasks
from deftweb.models import Request, Task, db
from deftweb.reference_data import ensure_reference_data

HERE = Path(__file__).resolve().parent
SQLITE_FILE = HERE / "work" / "bench.sqlite"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "bench_deftweb"


def database_urls(backends: list[str]) -> dict[str, str]:
    urls = {
        "sqlite": f"sqlite:///{SQLITE_FILE}",
        "postgresql": sa.make_url(PG_ADMIN_URL).set(database=PG_DATABASE).render_as_string(False),
    }
    return {name: urls[name] for name in backends}


def reset(url: str) -> None:
    """An empty database for the bench: a new SQLite file, or `bench_deftweb` dropped and made."""
    if url.startswith("sqlite"):
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_FILE) + suffix).unlink(missing_ok=True)
        return
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {PG_DATABASE}")
    engine.dispose()


def holds(url: str, tasks: int, requests: int) -> bool:
    """The database exists and already holds this many tasks and requests."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            have_tasks = connection.scalar(sa.select(sa.func.count()).select_from(Task))
            have_requests = connection.scalar(sa.select(sa.func.count()).select_from(Request))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return (have_tasks, have_requests) == (tasks, requests)


def fill(app, tasks: int, requests: int, log) -> dict:
    """Migrate and fill the app's database; return the load timings in seconds."""
    timings = {}
    with app.app_context():
        upgrade()
        begin_write()
        ensure_reference_data()
        db.session.commit()
        timings["requests_s"] = _load(generate_requests(requests), requests, "requests", log)
        request_ids = list(db.session.scalars(sa.select(Request.id)))
        db.session.rollback()
        batches = generate_tasks(tasks, seed=8, request_ids=request_ids)
        timings["tasks_s"] = _load(batches, tasks, "tasks", log)
        started = time.perf_counter()
        _analyze()
        timings["analyze_s"] = round(time.perf_counter() - started, 1)
    return timings


def _load(batches, total: int, what: str, log) -> float:
    started = time.perf_counter()
    done = 0
    begin_write()
    for inserted in batches:
        db.session.commit()
        done += inserted
        log(f"  {what}: {done:,}/{total:,}")
        begin_write()
    db.session.commit()
    return round(time.perf_counter() - started, 1)


def _analyze() -> None:
    """Fresh planner statistics, as production keeps them (autovacuum, `PRAGMA optimize`)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.commit()
        raw = db.engine.raw_connection()
        try:
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute("VACUUM ANALYZE")
        finally:
            raw.close()
        return
    connection.exec_driver_sql("ANALYZE")
    db.session.commit()
