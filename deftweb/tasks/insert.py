"""Inserting task rows in bulk, name-search index included: the one insert that task definition and
the synthetic task generator share, so a row the database refuses fails the same way on both
backends (`sqlalchemy.exc.IntegrityError`)."""

from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa

from deftweb.database import is_sqlite
from deftweb.listing.search_index import FTS_TABLES
from deftweb.models import Task, db
from deftweb.tasks.bulk_rows import insert_rows

#: The SQLite FTS5 table over task names; its per-row sync trigger is `<table>_ai`.
SQLITE_TASK_SEARCH = FTS_TABLES["tasks.name"]


def insert_task_rows(rows: list[dict]) -> None:
    """Insert task rows (dicts with the same keys, ids ascending) in the current transaction.

    PostgreSQL: COPY (`insert_rows`). SQLite: the driver's executemany with the search trigger
    suspended, then the batch's names indexed in one statement.
    """
    if not rows:
        return
    if not is_sqlite():
        insert_rows(Task.__table__, rows)
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
