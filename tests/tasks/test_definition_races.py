"""Two production managers defining one request's tasks at the same moment: one defines them, the
other finds nothing left to define; never two tasks for one step. Threads against a scratch
database, on SQLite and PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from deftweb.database import begin_write
from deftweb.models import (
    GlobalRole,
    Project,
    Request,
    Slice,
    Step,
    Task,
    User,
    UserRole,
    WorkingGroup,
    db,
)
from deftweb.tasks.definition import define_tasks

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]
ROUNDS = 5


@pytest.fixture
def scratch_app(migrated_app):
    with migrated_app.app_context():
        manager = User(username="definer", display_name="Definer")
        manager.roles = [UserRole(role=GlobalRole.PRODUCTION_MANAGER)]
        db.session.add(manager)
        db.session.commit()
        db.session.remove()
    return migrated_app


def _approved_request(app) -> int:
    with app.app_context():
        manager = db.session.scalars(sa.select(User)).one()
        request = Request(
            request_type="MC",
            working_group=db.session.scalars(sa.select(WorkingGroup).filter_by(code="HIGG")).one(),
            provenance="AP",
            project=db.session.scalars(sa.select(Project).filter_by(name="mc23_13p6TeV")).one(),
            description="race",
            requester=manager,
            manager=manager,
            status="approved",
        )
        piece = Slice(ordinal=0, dsid="601229", brief="PhPy8EG_ttbar", events=1000)
        piece.steps = [
            Step(ordinal=0, step_name="Evgen", ami_tag="e8514", output_formats="EVNT"),
            Step(ordinal=1, step_name="Simul", ami_tag="s4162", output_formats="HITS"),
        ]
        request.slices = [piece]
        db.session.add(request)
        db.session.commit()
        request_id = request.id
        db.session.remove()
    return request_id


def _define(app, request_id: int, start: threading.Barrier) -> list[int]:
    with app.app_context():
        start.wait()
        begin_write()
        request = db.session.get(Request, request_id)
        ids = define_tasks(request, db.session.scalars(sa.select(User)).one())
        db.session.commit()
        db.session.remove()
        return ids


def test_two_definitions_at_once_define_each_step_once(scratch_app):
    for _ in range(ROUNDS):
        request_id = _approved_request(scratch_app)
        start = threading.Barrier(2)
        with ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(_define, scratch_app, request_id, start) for _ in range(2)]
            results = [run.result() for run in runs]
        assert sorted(len(ids) for ids in results) == [0, 2]
        with scratch_app.app_context():
            count = (
                sa.select(sa.func.count()).select_from(Task).where(Task.request_id == request_id)
            )
            assert db.session.scalar(count) == 2
            db.session.remove()
