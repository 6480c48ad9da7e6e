"""Two people registering one name at the same moment: exactly one wins, the other is told the
name is taken (409), never a 500. Threads against a scratch database, on SQLite and PostgreSQL."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from deftweb.database import begin_write
from deftweb.datasets import registry as dataset_registry
from deftweb.errors import Refusal
from deftweb.models import Dataset, GlobalRole, User, UserRole, db

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]

NAME = "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD.e8514_s4162_r{}"
ROUNDS = 10


@pytest.fixture
def scratch_app(migrated_app):
    """The migrated scratch app with one production manager, `app.manager_id`."""
    app = migrated_app
    with app.app_context():
        manager = User(username="racer", display_name="Racer")
        manager.roles = [UserRole(role=GlobalRole.PRODUCTION_MANAGER)]
        db.session.add(manager)
        db.session.commit()
        app.manager_login = manager.get_id()
        app.manager_id = manager.id
        db.session.remove()
    return app


def _signed_in_client(app):
    client = app.test_client()
    now = int(time.time())
    with client.session_transaction() as session:
        session.update(_user_id=app.manager_login, _fresh=True, login_at=now, seen_at=now)
        session["auth_method"] = "dev"
    return client


def _rows_named(app, name: str) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(Dataset).where(Dataset.name == name)
        count = db.session.scalar(query)
        db.session.remove()
        return count


def test_two_api_clients_registering_one_name_at_once(scratch_app):
    clients = [_signed_in_client(scratch_app) for _ in range(2)]
    for round_number in range(ROUNDS):
        name = NAME.format(14600 + round_number)
        start = threading.Barrier(2)

        def post(client, name=name, start=start):
            start.wait()
            return client.post("/api/v1/datasets", json={"name": name})

        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(post, clients))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 409], [r.get_json() for r in responses]
        loser = next(r for r in responses if r.status_code == 409).get_json()
        assert loser["detail"] == f"{name} is already registered"
        assert loser["errors"] == [{"pointer": "/name", "detail": loser["detail"]}]
        assert _rows_named(scratch_app, name) == 1


def test_two_lists_sharing_a_name_one_is_registered_whole_the_other_not_at_all(scratch_app):
    clients = [_signed_in_client(scratch_app) for _ in range(2)]
    for round_number in range(ROUNDS):
        shared, *own = (NAME.format(14800 + 3 * round_number + n) for n in range(3))
        start = threading.Barrier(2)

        def post(pair, start=start, shared=shared):
            client, name = pair
            start.wait()
            return client.post("/api/v1/datasets/bulk", json={"names": [name, shared]})

        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(post, zip(clients, own, strict=True)))
        statuses = [r.status_code for r in responses]
        assert sorted(statuses) == [201, 409], [r.get_json() for r in responses]
        loser = statuses.index(409)
        problem = responses[loser].get_json()
        assert problem["detail"] == "Nothing registered: 1 of 2 names refused."
        assert problem["errors"] == [
            {"pointer": "/names/1", "detail": f"{shared} is already registered"}
        ]
        assert _rows_named(scratch_app, shared) == 1
        assert _rows_named(scratch_app, own[loser]) == 0, "the refused list left a row behind"
        assert _rows_named(scratch_app, own[1 - loser]) == 1


def test_a_name_committed_while_we_wait_for_the_lock_is_refused_cleanly(scratch_app):
    """The other registration holds its insert open until ours is queued behind it: ours must end
    in AlreadyRegistered (PostgreSQL: unique violation after our check; SQLite: the write lock)."""
    name = NAME.format(14700)
    with scratch_app.app_context():
        engine = db.engine
        other = engine.connect()
        other_tx = other.begin()
        other.execute(
            sa.insert(Dataset).values(
                name=name, scope="mc23_13p6TeV", kind="mc", is_container=True, status="registered"
            )
        )
        with ThreadPoolExecutor(1) as pool:
            ours = pool.submit(_register_in_own_context, scratch_app, name)
            _wait_until_blocked(engine, ours)
            other_tx.commit()
            outcome = ours.result(timeout=30)
        other.close()
    assert isinstance(outcome, dataset_registry.AlreadyRegistered), outcome
    assert outcome.status == 409
    assert _rows_named(scratch_app, name) == 1


def _register_in_own_context(app, name: str):
    with app.app_context():
        try:
            begin_write()
            actor = db.session.get(User, app.manager_id)
            return dataset_registry.register(actor, name)
        except Refusal as error:
            return error
        finally:
            db.session.rollback()
            db.session.remove()


def _wait_until_blocked(engine, future) -> None:
    """Until our registration waits on the other's lock (PostgreSQL shows it in pg_locks)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not future.done():
        if engine.dialect.name == "sqlite":
            time.sleep(0.5)  # SQLite does not show lock waits; BEGIN IMMEDIATE is waiting by now
            return
        with engine.connect() as probe:
            waiting = probe.scalar(sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("our registration never waited for the other one")
