"""JEDI status sync: hand-off rows into tasks, and the request-status rules."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deftweb.models import Dataset, JediTask, RequestHistory, RequestStatus, db, utcnow
from deftweb.tasks.jedi_sync import record_jedi_report, request_outcome, sync_jedi


def jedi_writes(task, status, **counters):
    db.session.execute(
        sa.update(JediTask)
        .where(JediTask.task_id == task.id)
        .values(status=status, jedi_updated_at=utcnow(), **counters)
    )


@pytest.mark.parametrize(
    ("counts", "outcome"),
    [
        ({"done": 3}, "done"),
        ({"done": 2, "finished": 1}, "finished"),
        ({"done": 2, "failed": 1}, "finished"),
        ({"done": 2, "aborted": 1}, "finished"),
        ({"done": 2, "running": 1}, None),
        ({"done": 2, "obsolete": 4}, "done"),
        ({"obsolete": 1}, None),
        ({}, None),
    ],
)
def test_request_outcome(counts, outcome):
    assert request_outcome(counts) == outcome


def test_sync_copies_status_counters_and_times(make):
    task = make.task(status="waiting", handoff=True)
    jedi_writes(task, "running", total_events=1000, processed_events=10, total_jobs=5, done_jobs=1)
    result = sync_jedi()
    assert result.tasks == 1
    db.session.refresh(task)
    assert (task.status, task.processed_events, task.total_jobs, task.done_jobs) == (
        "running",
        10,
        5,
        1,
    )
    assert task.started_at is not None
    assert task.ended_at is None
    assert sync_jedi().tasks == 0  # nothing new since


def test_jedi_only_statuses_are_shown_in_deft_words(make):
    task = make.task(status="waiting", handoff=True)
    jedi_writes(task, "tobroken")
    sync_jedi()
    db.session.refresh(task)
    assert task.status == "broken"
    assert task.ended_at is not None


def test_obsolete_tasks_stay_obsolete(make):
    task = make.task(status="obsolete", handoff=True)
    jedi_writes(task, "done")
    sync_jedi()
    db.session.refresh(task)
    assert task.status == "obsolete"


def test_request_becomes_done_when_every_task_is_done(make):
    request = make.request(status=RequestStatus.WORKING)
    tasks = [make.task(request, status="running", handoff=True) for _ in range(2)]
    jedi_writes(tasks[0], "done")
    assert sync_jedi().requests == {}
    jedi_writes(tasks[1], "done")
    assert sync_jedi().requests == {request.id: "done"}
    db.session.refresh(request)
    assert request.status == "done"
    assert request.version == 2
    entry = db.session.scalars(
        sa.select(RequestHistory).where(RequestHistory.request_id == request.id)
    ).one()
    assert (entry.from_status, entry.to_status, entry.actor_id) == ("working", "done", None)
    assert "JEDI" in entry.comment


def test_request_finished_when_some_are_only_partly_done(make):
    request = make.request(status=RequestStatus.WORKING)
    done, partly = (make.task(request, status="running", handoff=True) for _ in range(2))
    jedi_writes(done, "done")
    jedi_writes(partly, "finished")
    assert sync_jedi().requests == {request.id: "finished"}
    jedi_writes(partly, "done")  # retried and now complete: finished -> done
    assert sync_jedi().requests == {request.id: "done"}


def test_a_request_not_working_is_left_alone(make):
    request = make.request(status=RequestStatus.APPROVED)
    task = make.task(request, status="running", handoff=True)
    jedi_writes(task, "done")
    assert sync_jedi().requests == {}
    assert request.status == "approved"


def test_record_report_writes_the_handoff_rows(make):
    task = make.task(status="running", handoff=True)
    unknown = record_jedi_report(
        [
            {"task_id": task.id, "status": "done", "processed_events": 99},
            {"task_id": 7, "status": "done"},
        ]
    )
    assert unknown == [7]
    row = db.session.get(JediTask, task.id)
    db.session.refresh(row)
    assert (row.status, row.processed_events) == ("done", 99)
    assert utcnow() - row.jedi_updated_at < timedelta(minutes=1)


def test_sync_works_in_batches(make):
    tasks = [make.task(status="waiting", handoff=True) for _ in range(5)]
    for task in tasks:
        jedi_writes(task, "ready")
    assert sync_jedi(batch_size=2).tasks == 5


def test_times_are_stored_as_utc_like_every_timestamp(make):
    task = make.task(status="waiting", handoff=True)
    jedi_writes(task, "done")
    sync_jedi()
    db.session.expire_all()
    stored = db.session.get(type(task), task.id)
    assert stored.ended_at.tzinfo is not None
    assert stored.started_at is None
    assert abs(stored.ended_at - utcnow()) < timedelta(minutes=1)


def test_output_datasets_follow_their_task(make):
    task = make.task(status="waiting", handoff=True)
    output = Dataset(name=f"x.tid{task.id}", scope="mc23_13p6TeV", kind="mc", task_id=task.id)
    gone = Dataset(name=f"y.tid{task.id}", scope="mc23_13p6TeV", kind="mc", task_id=task.id)
    gone.status = "deleted"
    db.session.add_all([output, gone])
    db.session.flush()
    jedi_writes(task, "running")
    sync_jedi()
    db.session.refresh(output)
    assert output.status == "producing"
    jedi_writes(task, "done")
    sync_jedi()
    db.session.refresh(output)
    db.session.refresh(gone)
    assert (output.status, gone.status) == ("complete", "deleted")
