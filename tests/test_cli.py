"""Command-line commands on a scratch database: init-db, demo-data, generate-tasks."""

import pytest
import sqlalchemy as sa

from deftweb import create_app
from deftweb.demo.demo_data import DEMO_TASKS
from deftweb.models import (
    Dataset,
    JediTask,
    Request,
    RequestStatus,
    Slice,
    Task,
    User,
    WorkingGroup,
    db,
)
from deftweb.reference_data import WORKING_GROUPS
from tests.conftest import app_settings

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]


@pytest.fixture
def scratch(fresh_database_url):
    app = create_app(test_config=app_settings(fresh_database_url))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    with app.app_context():
        yield runner
        db.session.remove()
        db.engine.dispose()


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_init_db_is_repeatable_and_adds_the_working_groups(scratch):
    result = scratch.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    codes = set(db.session.scalars(sa.select(WorkingGroup.code)))
    assert codes == set(WORKING_GROUPS)
    assert len(codes) == 32


def test_demo_data_fills_every_status_with_chains(scratch):
    result = scratch.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert f"{DEMO_TASKS:,} tasks" in result.output
    statuses = set(db.session.scalars(sa.select(Request.status).distinct()))
    assert statuses == {s.value for s in RequestStatus}
    assert 45 <= count(Request) <= 60
    assert count(Task) == DEMO_TASKS == count(JediTask)
    assert count(Dataset) >= DEMO_TASKS
    usernames = set(db.session.scalars(sa.select(User.username)))
    assert {
        "demo-member",
        "demo-convener",
        "demo-mccoord",
        "demo-prodmgr",
        "demo-admin",
    } <= usernames
    assert count(Slice, ~Slice.steps.any()) == 0


def test_demo_task_chains_are_consistent(scratch):
    scratch.invoke(args=["demo-data"])
    tasks = {t.id: t for t in db.session.scalars(sa.select(Task))}
    for task in tasks.values():
        if task.parent_id is None:
            assert task.chain_id == task.id
        else:
            parent = tasks[task.parent_id]
            assert parent.chain_id == task.chain_id
            assert parent.slice_id == task.slice_id
            assert task.name.split(".")[-1].startswith(parent.name.split(".")[-1] + "_")
    datasets = db.session.scalars(sa.select(Dataset).limit(50))
    for dataset in datasets:
        assert dataset.name.endswith(f"_tid{dataset.task_id:08d}_00")


def test_demo_data_refuses_a_database_with_data(scratch):
    scratch.invoke(args=["demo-data"])
    again = scratch.invoke(args=["demo-data"])
    assert again.exit_code != 0
    assert "not empty" in again.output
    quiet = scratch.invoke(args=["demo-data", "--if-empty"])
    assert quiet.exit_code == 0
    assert "already has data" in quiet.output
    assert count(Task) == DEMO_TASKS


def test_generate_tasks_inserts_chains_of_four(scratch):
    result = scratch.invoke(args=["generate-tasks", "2003", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "2,003 tasks in" in result.output
    assert count(Task) == 2003
    assert count(Task, Task.parent_id.is_(None)) == 501  # 500 chains of 4, one of 3
    ids = list(db.session.scalars(sa.select(Task.id).order_by(Task.id)))
    assert ids == list(range(ids[0], ids[0] + 2003))
    first = db.session.get(Task, ids[0])
    assert first.submitted_at.tzinfo is not None


def test_generated_tasks_are_found_by_name_search(scratch):
    """The bulk path fills the search index the per-row triggers would have filled."""
    scratch.invoke(args=["generate-tasks", "400"])
    name = db.session.scalars(sa.select(Task.name).limit(1)).one()
    token = name.split(".")[2]
    expected = count(Task, Task.name.contains(token))
    if db.engine.dialect.name == "sqlite":
        found = db.session.execute(
            sa.text("SELECT count(*) FROM fts_task_names WHERE fts_task_names MATCH :q"),
            {"q": f'"{token}"'},
        ).scalar()
    else:
        found = count(Task, Task.name.ilike(f"%{token}%"))
    assert found == expected > 0


@pytest.mark.parametrize("bad", ["0", "-3", "many"])
def test_generate_tasks_refuses_a_bad_count(scratch, bad):
    result = scratch.invoke(args=["generate-tasks", bad])
    assert result.exit_code == 2
    assert "COUNT" in result.output
