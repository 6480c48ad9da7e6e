"""Task ids: unique across processes and hosts, handed out in blocks for bulk work."""

import sqlalchemy as sa

from deftweb.database import is_sqlite
from deftweb.models import IdCounter, db, task_id_seq

TASK_COUNTER = "task"


def allocate_task_ids(count: int) -> list[int]:
    """Return `count` new task ids, in increasing order, never handed out before.

    PostgreSQL draws them from `task_id_seq` (like a sequence, ids of a rolled-back transaction are
    not reused). SQLite bumps a counter row: the UPDATE takes the database's single write lock, so
    concurrent processes queue and each gets its own block.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    if is_sqlite():
        return _allocate_from_counter(count)
    rows = db.session.execute(
        sa.select(task_id_seq.next_value()).select_from(sa.func.generate_series(1, count))
    )
    return sorted(row[0] for row in rows)


def _allocate_from_counter(count: int) -> list[int]:
    table = IdCounter.__table__
    end = db.session.execute(
        sa.update(table)
        .where(table.c.name == TASK_COUNTER)
        .values(next_value=table.c.next_value + count)
        .returning(table.c.next_value)
    ).scalar_one_or_none()
    if end is None:
        raise RuntimeError("the task id counter is missing: run `flask --app deftweb init-db`")
    return list(range(end - count, end))
