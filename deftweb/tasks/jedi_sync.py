"""JEDI status sync: what JEDI (or an operator) wrote into the hand-off table goes into the tasks,
and a request whose tasks have all ended becomes done (or finished, when some did only part).

Like prodtask's `syncjedideft`. JEDI writes `jedi_tasks.status`, the counters and
`jedi_updated_at`; a sync copies every row written since its last copy (`synced_at`).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from deftweb.models import (
    ENDED_TASK_STATUSES,
    Dataset,
    DatasetStatus,
    JediTask,
    Request,
    RequestStatus,
    Task,
    TaskStatus,
    db,
    utcnow,
)
from deftweb.models.transitions import find_transition
from deftweb.requests import workflow

COUNTERS = ("total_events", "processed_events", "total_jobs", "done_jobs", "failed_jobs")
#: JEDI statuses that DEFT's task table has no word for, and the DEFT status they show as.
JEDI_ONLY_STATUSES = {
    "defined": TaskStatus.REGISTERED,
    "topreprocess": TaskStatus.REGISTERED,
    "preprocessing": TaskStatus.REGISTERED,
    "scouted": TaskStatus.RUNNING,
    "toincexec": TaskStatus.RUNNING,
    "rerefine": TaskStatus.RUNNING,
    "prepared": TaskStatus.FINISHING,
    "tobroken": TaskStatus.BROKEN,
}
#: Every status JEDI may report.
REPORTABLE_STATUSES = tuple(sorted({*TaskStatus, *JEDI_ONLY_STATUSES} - {TaskStatus.OBSOLETE}))
#: Statuses in which a task has started running.
STARTED_STATUSES = {TaskStatus.RUNNING, TaskStatus.SCOUTING, TaskStatus.FINISHING}
BATCH_SIZE = 2000
#: Task status -> the status its output datasets take.
DATASET_STATUS_OF = {
    TaskStatus.RUNNING: DatasetStatus.PRODUCING,
    TaskStatus.SCOUTING: DatasetStatus.PRODUCING,
    TaskStatus.FINISHING: DatasetStatus.PRODUCING,
    TaskStatus.DONE: DatasetStatus.COMPLETE,
    TaskStatus.FINISHED: DatasetStatus.COMPLETE,
}
SETTLED_COMMENT = "Set by the JEDI status sync: every task has ended."


@dataclass
class SyncResult:
    tasks: int = 0
    #: Request id -> the status the sync moved it to.
    requests: dict[int, str] = field(default_factory=dict)


def record_jedi_report(reports: list[dict]) -> list[int]:
    """Write JEDI's reports ({task_id, status, counters...}) into the hand-off table.

    Returns the task ids that have no hand-off row (nothing is written for them).
    """
    handoff = JediTask.__table__
    asked = {r["task_id"] for r in reports}
    known = set(
        db.session.scalars(sa.select(handoff.c.task_id).where(handoff.c.task_id.in_(asked)))
    )
    now = utcnow()
    by_fields: dict[tuple, list[dict]] = {}
    for report in reports:
        if report["task_id"] in known:
            fields = tuple(sorted(k for k in report if k in ("status", *COUNTERS)))
            by_fields.setdefault(fields, []).append(report)
    for fields, rows in by_fields.items():
        # One executemany per set of reported fields: JEDI reports thousands at a time.
        statement = (
            sa.update(handoff)
            .where(handoff.c.task_id == sa.bindparam("report_task_id"))
            .values(jedi_updated_at=now, **{f: sa.bindparam(f"report_{f}") for f in fields})
        )
        params = [
            {"report_task_id": r["task_id"], **{f"report_{f}": r[f] for f in fields}} for r in rows
        ]
        db.session.execute(statement, params)
    return sorted(asked - known)


def sync_jedi(batch_size: int = BATCH_SIZE) -> SyncResult:
    """Copy every hand-off row JEDI wrote since the last sync into its task; settle requests."""
    result = SyncResult()
    touched: set[int] = set()
    while True:
        rows = _unsynced(batch_size)
        if not rows:
            break
        touched |= _copy(rows)
        result.tasks += len(rows)
    for request_id in sorted(touched):
        status = settle_request(request_id)
        if status:
            result.requests[request_id] = status
    return result


def _unsynced(limit: int) -> list:
    handoff = JediTask.__table__
    return list(
        db.session.execute(
            sa.select(
                handoff.c.task_id,
                handoff.c.status,
                handoff.c.jedi_updated_at,
                *[handoff.c[name] for name in COUNTERS],
            )
            .where(
                handoff.c.jedi_updated_at.is_not(None),
                sa.or_(
                    handoff.c.synced_at.is_(None), handoff.c.jedi_updated_at > handoff.c.synced_at
                ),
            )
            .order_by(handoff.c.jedi_updated_at, handoff.c.task_id)
            .limit(limit)
        )
    )


def _copy(rows: list) -> set[int]:
    """Copy a batch of hand-off rows into their tasks; return the requests they belong to."""
    tasks = Task.__table__
    now = utcnow()
    statement = (
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("copy_id"), tasks.c.status != TaskStatus.OBSOLETE)
        .values(
            status=sa.bindparam("copy_status"),
            updated_at=now,
            started_at=sa.func.coalesce(
                tasks.c.started_at, sa.bindparam("copy_started", type_=tasks.c.started_at.type)
            ),
            ended_at=sa.func.coalesce(
                tasks.c.ended_at, sa.bindparam("copy_ended", type_=tasks.c.ended_at.type)
            ),
            **{name: sa.bindparam(f"copy_{name}") for name in COUNTERS},
        )
    )
    db.session.execute(statement, [_copied_values(row) for row in rows])
    _follow_datasets(rows)
    handoff = JediTask.__table__
    ids = [row.task_id for row in rows]
    # The copy is as new as what JEDI wrote: a later write (even with a skewed clock) shows.
    db.session.execute(
        sa.update(handoff)
        .where(handoff.c.task_id.in_(ids))
        .values(synced_at=handoff.c.jedi_updated_at)
    )
    found = db.session.scalars(sa.select(tasks.c.request_id).where(tasks.c.id.in_(ids)).distinct())
    return set(found) - {None}


def _follow_datasets(rows: list) -> None:
    """Output datasets follow their task: producing while it runs, complete once it has ended
    with output (done, or finished: partly done). Deleted datasets stay deleted."""
    by_status: dict[str, list[int]] = {}
    for row in rows:
        status = JEDI_ONLY_STATUSES.get(row.status, row.status)
        dataset_status = DATASET_STATUS_OF.get(status)
        if dataset_status:
            by_status.setdefault(dataset_status, []).append(row.task_id)
    datasets = Dataset.__table__
    for dataset_status, task_ids in by_status.items():
        db.session.execute(
            sa.update(datasets)
            .where(
                datasets.c.task_id.in_(task_ids),
                datasets.c.status.not_in((DatasetStatus.DELETED, dataset_status)),
            )
            .values(status=dataset_status, updated_at=utcnow())
        )


def _copied_values(row) -> dict:
    status = JEDI_ONLY_STATUSES.get(row.status, row.status)
    return {
        "copy_id": row.task_id,
        "copy_status": status,
        "copy_started": row.jedi_updated_at if status in STARTED_STATUSES else None,
        "copy_ended": row.jedi_updated_at if status in ENDED_TASK_STATUSES else None,
        **{f"copy_{name}": getattr(row, name) for name in COUNTERS},
    }


def request_outcome(statuses: dict[str, int]) -> str | None:
    """The status a request's task counts call for: done, finished, or None (still working).

    Obsolete tasks do not count (their output was superseded); a request with no task stays.
    """
    counted = {s: n for s, n in statuses.items() if s != TaskStatus.OBSOLETE and n}
    if not counted or any(s not in ENDED_TASK_STATUSES for s in counted):
        return None
    return RequestStatus.DONE if set(counted) == {TaskStatus.DONE} else RequestStatus.FINISHED


def settle_request(request_id: int) -> str | None:
    """Move a request whose tasks have all ended to done or finished, if its status allows it."""
    counts = dict(
        db.session.execute(
            sa.select(Task.status, sa.func.count())
            .where(Task.request_id == request_id)
            .group_by(Task.status)
        ).all()
    )
    target = request_outcome(counts)
    request = db.session.get(Request, request_id)
    if target is None or request is None or find_transition(request.status, target) is None:
        return None
    workflow.automatic_transition(request, target, SETTLED_COMMENT)
    return target
