"""Model behaviour both backends must share: UTC timestamps, JSON, uniqueness, cascades."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from deftweb.models import Dataset, Identity, Request, Slice, Step, Task, Watcher, db


def test_timestamps_come_back_aware_in_utc(make):
    paris = timezone(timedelta(hours=1))
    task = make.task(submitted_at=datetime(2026, 3, 1, 12, 30, tzinfo=paris))
    db.session.expire_all()
    again = db.session.get(Task, task.id)
    assert again.submitted_at == datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
    assert again.submitted_at.tzinfo is not None
    assert again.updated_at.tzinfo is not None


def test_naive_timestamps_are_refused(make):
    with pytest.raises(StatementError, match="naive datetime"):
        make.task(submitted_at=datetime(2026, 3, 1, 12, 30))


def test_json_documents_round_trip(make):
    request = make.request()
    step = request.slices[0].steps[0]
    step.task_config = {"nEventsPerJob": 500, "transPath": "Gen_tf.py", "flags": [1, "a", None]}
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Step, step.id).task_config["flags"] == [1, "a", None]


def test_identity_is_unique_per_kind_issuer_identifier(make):
    first, second = make.user(), make.user()
    dn = "/DC=ch/DC=cern/OU=Users/CN=someone"
    db.session.add(Identity(user=first, kind="x509", issuer="/CN=CA", identifier=dn))
    db.session.flush()
    db.session.add(Identity(user=second, kind="saml", issuer="/CN=CA", identifier=dn))
    db.session.flush()  # another kind: allowed
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Identity(user=second, kind="x509", issuer="/CN=CA", identifier=dn))


def test_dataset_names_are_taken_for_ever(make):
    name = "mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.EVNT.e8514_tid00000001_00"
    db.session.add(Dataset(name=name, scope="mc23_13p6TeV", kind="mc", status="deleted"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Dataset(name=name, scope="mc23_13p6TeV", kind="mc"))


def test_one_watch_per_user_and_request(make):
    request, user = make.request(), make.user()
    db.session.add(Watcher(request_id=request.id, user=user, reason="manual"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Watcher(request_id=request.id, user=user, reason="cc"))


def test_deleting_a_request_deletes_its_slices_and_steps(make):
    request = make.request(slices=3)
    request_id = request.id
    step_ids = [step.id for piece in request.slices for step in piece.steps]
    db.session.delete(request)
    db.session.flush()
    assert db.session.get(Request, request_id) is None
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Slice).where(Slice.request_id == request_id)
    )
    assert count == 0
    remaining = sa.select(sa.func.count()).select_from(Step).where(Step.id.in_(step_ids))
    assert len(step_ids) == 6
    assert db.session.scalar(remaining) == 0


def test_foreign_keys_are_enforced(make):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Slice(request_id=123456789, ordinal=0))
