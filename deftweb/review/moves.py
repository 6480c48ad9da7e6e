"""A person's move of a request: one from its page or the API, or many from the review queue and
the request table; and what production approval starts.

Approval to production defines the request's tasks here, in the code that approves, and once the
request has tasks it moves on to working. The workflow underneath (`workflow.transition`) knows
nothing of tasks.
"""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from deftweb.errors import InvalidInput, Refusal
from deftweb.listing.bulk import RowResult
from deftweb.models import Request, RequestHistory, RequestStatus, User, db
from deftweb.models.transitions import BULK_ACTIONS, bulk_target
from deftweb.requests import workflow
from deftweb.tasks.definition import define_tasks


def move_request(
    request: Request, to_status: str, actor: User, expected_version: int, comment: str = ""
) -> RequestHistory:
    """Move `request` as `actor` asks (the workflow's table, roles and version decide); approval
    to production then starts production."""
    entry = workflow.transition(request, to_status, actor, expected_version, comment)
    if request.status == RequestStatus.APPROVED:
        start_production(request, actor)
    return entry


def start_production(request: Request, actor: User) -> None:
    """Define the approved request's tasks; once it has some, work starts (approved -> working).
    A request whose definition failed stays approved with `request.error` saying why."""
    task_ids = define_tasks(request, actor)
    if task_ids:
        comment = f"{len(task_ids)} task(s) defined."
        workflow.transition(request, RequestStatus.WORKING, actor, request.version, comment)


def bulk_review(actor: User, action: str, shown: dict[int, int | None], comment: str = ""):
    """Approve (the next step), hold or reject each request as it was shown: the review queue's
    and the request table's bulk bars. `shown` maps each request id to the version the user saw
    (None when the form did not say); a request changed since is refused with what happened, as
    one clicked on its own page would be. Each request moves in its own savepoint, so a refusal
    leaves the others done; one RowResult per request, in `shown`'s order."""
    if action not in BULK_ACTIONS:
        raise InvalidInput("Choose approve, hold or reject.", "/action")
    found = db.session.scalars(
        sa.select(Request)
        .where(Request.id.in_(list(shown)))
        .options(joinedload(Request.working_group), joinedload(Request.requester))
    )
    requests = {r.id: r for r in found}
    return [
        _review_one(actor, action, requests.get(request_id), request_id, version, comment)
        for request_id, version in shown.items()
    ]


def _review_one(actor, action, request, request_id, version, comment) -> RowResult:
    """One request of a bulk review: moved, or refused with the reason."""
    try:
        target = _bulk_target(action, request, request_id, version)
        with db.session.begin_nested():
            move_request(request, target, actor, version, comment)
    except Refusal as error:
        return RowResult(request_id, False, error.message)
    return RowResult(request_id, True, f"Request {request_id} is now {request.status}.")


def _bulk_target(action: str, request: Request | None, request_id: int, version: int | None):
    """Where `action` takes the request as it was shown, or why it cannot."""
    if request is None:
        raise InvalidInput(f"There is no request {request_id}.", "/id")
    if version is None:
        raise InvalidInput(
            f"The form lost the version request {request_id} was shown with; reload the page.",
            "/id",
        )
    target = bulk_target(action, request.status)
    workflow.check_version(request, version, target)
    if target is None:
        raise InvalidInput(
            f"Request {request_id} is {request.status}: there is nothing to approve."
        )
    return target
