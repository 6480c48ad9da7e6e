"""Loading a request for a route, with the access check: the one request loader."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from deftweb.auth import policy
from deftweb.auth.access import get_allowed
from deftweb.models import Request, RequestHistory, Slice, Task, db

#: The request page lists at most this many tasks; the task table (its own page) has them all.
TASKS_SHOWN = 500


#: What every use of a request reads with it: its group, catalog rows and people (one row each).
NAMES = (
    joinedload(Request.working_group),
    joinedload(Request.project),
    joinedload(Request.campaign),
    joinedload(Request.subcampaign),
    joinedload(Request.requester),
    joinedload(Request.manager),
)
#: What its page and the API's answer show too; services read a draft's slices in bulk instead.
CONTENT = (
    selectinload(Request.slices).selectinload(Slice.steps),
    selectinload(Request.history).joinedload(RequestHistory.actor),
)


def get_request(
    request_id: int,
    check=policy.can_view_request,
    *,
    content: bool = False,
    refused: str = policy.REFUSED,
) -> Request:
    """The request (404 if there is none), if `check(current_user, request)` allows it (403 with
    `refused` otherwise); `content` loads its slices, steps and history as well."""
    options = NAMES + CONTENT if content else NAMES
    return get_allowed(Request, request_id, check, "request", options=options, refused=refused)


def tasks_of_request(request_id: int, limit: int = TASKS_SHOWN) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.request_id == request_id).order_by(Task.id).limit(limit)
        )
    )
