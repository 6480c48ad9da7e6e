"""Task ids: increasing, never repeated, unique across processes allocating at once."""

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest
from flask_migrate import upgrade

from deftweb import create_app
from deftweb.database import begin_write
from deftweb.models import db
from deftweb.tasks.ids import allocate_task_ids
from tests.conftest import app_settings

PROCESSES = 4
IDS_PER_PROCESS = 500


def test_blocks_are_consecutive_and_never_repeat(app):
    first = allocate_task_ids(3)
    second = allocate_task_ids(1000)
    assert first == sorted(first)
    assert len(set(second)) == 1000
    assert min(second) > max(first)
    assert all(i >= 100_000_000 for i in first)


@pytest.mark.parametrize("count", [0, -5])
def test_count_must_be_positive(app, count):
    with pytest.raises(ValueError, match="count must be at least 1"):
        allocate_task_ids(count)


def _allocate_one_at_a_time(database_url: str) -> list[int]:
    """One worker process: IDS_PER_PROCESS separate transactions of one id each."""
    app = create_app(test_config=app_settings(database_url))
    ids = []
    with app.app_context():
        for _ in range(IDS_PER_PROCESS):
            begin_write()
            ids.extend(allocate_task_ids(1))
            db.session.commit()
        db.engine.dispose()
    return ids


@pytest.mark.slow
@pytest.mark.no_transaction
def test_four_processes_never_get_the_same_id(fresh_database_url):
    app = create_app(test_config=app_settings(fresh_database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with ProcessPoolExecutor(PROCESSES, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_allocate_one_at_a_time, [fresh_database_url] * PROCESSES))
    every_id = [i for ids in results for i in ids]
    assert len(every_id) == PROCESSES * IDS_PER_PROCESS
    assert len(set(every_id)) == len(every_id), "an id was handed out twice"
    assert all(ids == sorted(ids) for ids in results)
