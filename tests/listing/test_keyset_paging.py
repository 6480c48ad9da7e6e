"""Keyset paging never skips or repeats a row, however many rows arrive between two pages."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from deftweb.models import Task, db
from deftweb.tasks.table import TABLE

START = datetime(2026, 11, 1, tzinfo=UTC)


def _new_task(make, rng, group: str):
    return make.task(
        working_group=group,
        status=rng.choice(("done", "running")),
        updated_at=START + timedelta(minutes=rng.randint(0, 600)),
    )


@pytest.mark.parametrize("sort", ["-id", "id", "-updated_at", "updated_at"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_inserted_while_paging_neither_shift_nor_repeat(make, sort, seed):
    rng = random.Random(seed)
    existing = {_new_task(make, rng, "AP_HIGG").id for _ in range(90)}
    args = {"group": "AP_HIGG", "sort": sort, "size": "20"}
    seen: list[int] = []
    listing = TABLE.read(MultiDict(args))
    while True:
        page = TABLE.page(listing)
        seen.extend(task.id for task in page.rows)
        # Others file tasks meanwhile, in this group and in another one.
        for _ in range(rng.randint(0, 12)):
            _new_task(make, rng, rng.choice(("AP_HIGG", "GP_SUSY")))
        if not page.next_cursor:
            break
        listing = TABLE.read(MultiDict({**args, "after": page.next_cursor}))
    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert existing <= set(seen), "a row that was there from the start was skipped"
    key = sort.lstrip("-")
    rows = {t.id: t for t in db.session.scalars(sa.select(Task).where(Task.id.in_(seen)))}
    order = [(getattr(rows[i], key), i) for i in seen]
    assert order == sorted(order, reverse=sort.startswith("-")), "pages are out of order"
