"""What the dashboard shows: status counts, the latest changes, my requests, my review queue."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from deftweb.models import Request, RequestStatus, Task, TaskStatus, db
from deftweb.review import queries as review_queries


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


def request_status_counts() -> list[StatusCount]:
    """Requests per status, in workflow order, zero counts included."""
    return _counts(Request, [s.value for s in RequestStatus])


def task_status_counts() -> list[StatusCount]:
    """Tasks per status, in lifecycle order; statuses with no task are left out."""
    counts = _counts(Task, [s.value for s in TaskStatus])
    return [c for c in counts if c.count]


def _counts(model, order: list[str]) -> list[StatusCount]:
    query = sa.select(model.status, sa.func.count()).group_by(model.status)
    rows = dict(db.session.execute(query).all())
    known = [StatusCount(s, rows.pop(s, 0)) for s in order]
    return known + [StatusCount(s, n) for s, n in sorted(rows.items())]


def recent_requests(limit: int = 10) -> list[Request]:
    return list(
        db.session.scalars(
            sa.select(Request)
            .options(joinedload(Request.working_group))
            .order_by(Request.updated_at.desc(), Request.id.desc())
            .limit(limit)
        )
    )


def recent_tasks(limit: int = 10) -> list[Task]:
    return list(db.session.scalars(sa.select(Task).order_by(Task.updated_at.desc()).limit(limit)))


def my_requests(user, limit: int = 10) -> list[Request]:
    """The requests `user` filed, latest change first."""
    return list(
        db.session.scalars(
            sa.select(Request)
            .where(Request.requester_id == user.id)
            .options(joinedload(Request.working_group))
            .order_by(Request.updated_at.desc(), Request.id.desc())
            .limit(limit)
        )
    )


def waiting_for_review(user, limit: int = 10) -> list[Request]:
    """Requests whose next move is the user's under their roles (the review queue's head)."""
    return review_queries.review_queue(user)[:limit]
