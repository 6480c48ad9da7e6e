"""Synthetic tasks for scale work: chains of realistic tasks, inserted in bulk through Core."""

import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from deftweb.models import TaskStatus, db, utcnow
from deftweb.services.catalog_data import WORKING_GROUPS
from deftweb.services.task_ids import allocate_task_ids

BATCH_SIZE = 20_000

#: (project, campaign) pairs and the chain of (step name, prod step, AMI tag, output) per task.
PROJECT_CAMPAIGNS = (
    ("mc16_13TeV", "MC16:MC16e"),
    ("mc20_13TeV", "MC20:MC20a"),
    ("mc23_13p6TeV", "MC23:MC23a"),
    ("mc23_13p6TeV", "MC23:MC23c"),
)
CHAIN = (
    ("Evgen", "evgen", "e8514", "EVNT"),
    ("Simul", "simul", "s4162", "HITS"),
    ("Reco", "recon", "r14622", "AOD"),
    ("Deriv", "deriv", "p5855", "DAOD_PHYS"),
)
GENERATORS = ("PhPy8EG_A14", "Sh_2211", "MGPy8EG_A14N23LO", "PowhegHerwig7EG_H7UE")
PROCESSES = ("ttbar_SingleLep", "Zee_maxHTpTV2", "Wmunu_BFilter", "ggH125_gammagamma", "SlepSlep")
#: Mostly finished work, as in a real task table.
STATUS_WEIGHTS = {
    TaskStatus.DONE: 60,
    TaskStatus.FINISHED: 8,
    TaskStatus.RUNNING: 12,
    TaskStatus.READY: 4,
    TaskStatus.FAILED: 4,
    TaskStatus.ABORTED: 4,
    TaskStatus.OBSOLETE: 4,
    TaskStatus.WAITING: 2,
    TaskStatus.PAUSED: 1,
    TaskStatus.BROKEN: 1,
}


def generate_tasks(
    count: int, seed: int = 1, request_ids: list[int] | None = None
) -> Iterator[int]:
    """Insert `count` tasks in chains of up to four; yield the number inserted after each batch.

    The caller commits between batches (one huge transaction would bloat SQLite's WAL).
    """
    rng = random.Random(seed)
    statuses = list(STATUS_WEIGHTS)
    weights = list(itertools.accumulate(STATUS_WEIGHTS.values()))
    groups = list(WORKING_GROUPS)
    now = utcnow()
    done = 0
    while done < count:
        size = min(BATCH_SIZE, count - done)
        ids = allocate_task_ids(size)
        rows = list(_rows(rng, ids, statuses, weights, groups, request_ids or [None], now))
        bulk_insert_tasks(rows)
        done += size
        yield size


def bulk_insert_tasks(rows: list[dict]) -> None:
    """Insert task rows the fastest way each backend offers, search index included."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _copy_into_postgresql(rows)
        return
    with _search_triggers_suspended():
        _executemany_into_sqlite(rows)
        db.session.execute(
            sa.text(
                f"INSERT INTO {SQLITE_TASK_SEARCH}(rowid, name) "
                "SELECT id, name FROM tasks WHERE id BETWEEN :first AND :last"
            ),
            {"first": rows[0]["id"], "last": rows[-1]["id"]},
        )


#: The SQLite FTS5 table over task names and its per-row sync trigger (migration 743f036cefe9).
SQLITE_TASK_SEARCH = "fts_task_names"


@contextmanager
def _search_triggers_suspended():
    """Drop the per-row search-sync insert trigger for one bulk insert, then restore it.

    The trigger costs 3.5 times a single INSERT ... SELECT into the FTS table; DDL in SQLite is
    transactional, so a failed batch rolls the trigger back into place.
    """
    trigger = f"{SQLITE_TASK_SEARCH}_ai"
    sql = db.session.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": trigger},
    ).scalar_one()
    db.session.execute(sa.text(f"DROP TRIGGER {trigger}"))
    yield
    db.session.execute(sa.text(sql))


def _executemany_into_sqlite(rows: list[dict]) -> None:
    """The driver's executemany: SQLAlchemy's per-row parameter processing is most of the cost."""
    columns = list(rows[0])
    placeholders = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO tasks ({', '.join(columns)}) VALUES ({placeholders})"
    values = [tuple(_sqlite_value(row[c]) for c in columns) for row in rows]
    db.session.connection().exec_driver_sql(statement, values)


def _sqlite_value(value):
    """Timestamps as SQLAlchemy's SQLite dialect stores them: naive UTC text."""
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    return value


def _copy_into_postgresql(rows: list[dict]) -> None:
    columns = list(rows[0])
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY tasks ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _rows(rng, ids, statuses, weights, groups, request_ids, now) -> Iterator[dict]:
    position = len(CHAIN)
    chain_id = parent_id = None
    for task_id in ids:
        if position == len(CHAIN):
            position, parent_id, chain_id = 0, None, task_id
            sample = _sample(rng, groups, request_ids)
        step_name, prod_step, _, output = CHAIN[position]
        tags = "_".join(tag for _, _, tag, _ in CHAIN[: position + 1])
        status = rng.choices(statuses, cum_weights=weights)[0]
        events = sample["events"]
        yield {
            "id": task_id,
            "request_id": sample["request_id"],
            "parent_id": parent_id,
            "chain_id": chain_id,
            "name": f"{sample['project']}.{sample['dsid']}.{sample['brief']}.{prod_step}.{tags}",
            "project": sample["project"],
            "username": sample["username"],
            "working_group": sample["working_group"],
            "campaign": sample["campaign"],
            "step_name": step_name,
            "ami_tag": CHAIN[position][2],
            "output_formats": output,
            "status": status,
            "priority": sample["priority"],
            "total_events": events,
            "processed_events": events if status == TaskStatus.DONE else events // 2,
            "total_jobs": events // 1000,
            "done_jobs": events // 1000 if status == TaskStatus.DONE else events // 2000,
            "failed_jobs": 0,
            "submitted_at": sample["submitted_at"],
            "updated_at": sample["submitted_at"] + timedelta(hours=position),
        }
        parent_id = task_id
        position += 1


def _sample(rng: random.Random, groups: list[str], request_ids: list) -> dict:
    project, campaign = rng.choice(PROJECT_CAMPAIGNS)
    dsid = rng.randint(500000, 999999)
    return {
        "project": project,
        "campaign": campaign,
        "dsid": str(dsid),
        "brief": f"{rng.choice(GENERATORS)}_{rng.choice(PROCESSES)}_{dsid % 997}",
        "working_group": rng.choice(("AP_", "GP_")) + rng.choice(groups),
        "username": f"prodmgr{rng.randint(1, 12)}",
        "priority": rng.choice((560, 570, 580, 900, 1000)),
        "events": rng.choice((10_000, 50_000, 100_000, 500_000)),
        "request_id": rng.choice(request_ids),
        "submitted_at": utcnow() - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3)),
    }
