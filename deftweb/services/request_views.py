"""Loading a request with everything its page and its API answer show."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from deftweb.models import Request, RequestHistory, Slice, Task, db

#: The request page lists at most this many tasks; the task table (its own page) has them all.
TASKS_SHOWN = 500


def get_request_or_404(request_id: int) -> Request:
    return db.first_or_404(
        sa.select(Request)
        .where(Request.id == request_id)
        .options(
            joinedload(Request.working_group),
            joinedload(Request.project),
            joinedload(Request.campaign),
            joinedload(Request.subcampaign),
            joinedload(Request.requester),
            joinedload(Request.manager),
            selectinload(Request.slices).selectinload(Slice.steps),
            selectinload(Request.history).joinedload(RequestHistory.actor),
        ),
        description=f"There is no request {request_id}.",
    )


def tasks_of_request(request_id: int, limit: int = TASKS_SHOWN) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.request_id == request_id).order_by(Task.id).limit(limit)
        )
    )
