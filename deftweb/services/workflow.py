"""The review workflow: the only way a request's status or reviewed fields change.

Every change is a compare-and-set (`UPDATE ... WHERE id = ? AND version = ? AND status = ?`) that
bumps the version, plus a `RequestHistory` row and the watchers' outbox rows, all in the caller's
transaction. A caller holding an old version gets `StaleRequest` (409) saying what happened since.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from deftweb.auth import policy
from deftweb.models import HistoryKind, Request, RequestHistory, RequestStatus, User, db, utcnow
from deftweb.services import notifications
from deftweb.services.field_checks import Problems, as_text
from deftweb.services.request_validation import check_reviewed_fields
from deftweb.services.transitions import (
    BULK_ACTIONS,
    bulk_target,
    find_transition,
    transitions_from,
)

COMMENT_MAX_LENGTH = 5000


class WorkflowError(Exception):
    """A change that was refused; `status_code` is the HTTP answer, `pointer` the bad input."""

    status_code = 422

    def __init__(self, message: str, pointer: str | None = None):
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        #: Each bad field's pointer -> its message.
        self.problems = {pointer: message} if pointer else {}


class NotAllowed(WorkflowError):
    status_code = 403


class StaleRequest(WorkflowError):
    status_code = 409


class InvalidChange(WorkflowError):
    status_code = 422


class InvalidRequest(InvalidChange):
    """A document that fails validation; `problems` maps each bad field's pointer to a message."""

    def __init__(self, problems: Problems):
        pointer, message = next(iter(problems.items()))
        super().__init__(f"{len(problems)} field(s) need a change; first: {message}", pointer)
        self.problems = problems


def define_tasks_on_approval(request: Request, actor: User) -> None:
    """Production approval defines the request's tasks; once it has some, work starts."""
    # Imported here: task definition's own imports lead back to this module.
    from deftweb.services.task_definition import define_tasks

    task_ids = define_tasks(request, actor)
    if task_ids:
        comment = f"{len(task_ids)} task(s) defined."
        transition(request, RequestStatus.WORKING, actor, request.version, comment)


#: Called in the same transaction once a request reaches the status: hook(request, actor).
ON_STATUS: dict[str, list[Callable[[Request, User], None]]] = {
    RequestStatus.APPROVED: [define_tasks_on_approval],
}


def transition(
    request: Request, to_status: str, actor: User, expected_version: int, comment: str = ""
) -> RequestHistory:
    """Move `request` to `to_status` if the table, the actor's roles and the version allow it."""
    move = find_transition(request.status, to_status)
    check_version(request, expected_version, to_status)
    if move is None and request.status == to_status:
        raise StaleRequest(conflict_message(request, to_status))
    if move is None:
        raise InvalidChange(no_move_message(request, to_status), pointer="/to")
    if not policy.can_transition(actor, request, to_status):
        raise NotAllowed(f"You may not {move.action.lower()} request {request.id}.")
    comment = _clean_comment(comment, required=move.comment_required)
    source = request.status
    compare_and_set(request, expected_version, to_status, status=to_status)
    entry = _record(request, actor, HistoryKind.TRANSITION, comment, source, to_status)
    for hook in ON_STATUS.get(to_status, ()):
        hook(request, actor)
    return entry


def automatic_transition(request: Request, to_status: str, comment: str) -> RequestHistory:
    """A move decided by facts (JEDI's task statuses), not by a person: the table and the
    compare-and-set apply, the role gate does not, and the history names no actor."""
    if find_transition(request.status, to_status) is None:
        raise InvalidChange(no_move_message(request, to_status), pointer="/to")
    source = request.status
    compare_and_set(request, request.version, to_status, status=to_status)
    entry = _record(request, None, HistoryKind.TRANSITION, comment, source, to_status)
    for hook in ON_STATUS.get(to_status, ()):
        hook(request, None)
    return entry


def edit_request(request: Request, actor: User, changes: dict, expected_version: int):
    """Change reviewed fields (priority, descriptions, cc) within what `editable_fields` allows,
    by the filing rules; bad values raise InvalidRequest and nothing is written."""
    check_version(request, expected_version, None)
    allowed = policy.editable_fields(actor, request)
    refused = sorted(set(changes) - allowed)
    if refused:
        raise NotAllowed(
            f"You may not change {', '.join(refused)} while request {request.id} is "
            f"{request.status}.",
            pointer=f"/{refused[0]}",
        )
    values = _checked_edits(request, changes)
    diff = {k: [getattr(request, k), v] for k, v in values.items() if getattr(request, k) != v}
    if not diff:
        return None
    compare_and_set(request, expected_version, None, **{k: new for k, (_, new) in diff.items()})
    return _record(request, actor, HistoryKind.EDIT, "", diff=diff)


def _checked_edits(request: Request, changes: dict) -> dict:
    """The clean values of the fields that change; a value sent as it is stored is not judged
    again (a form sends every field, and older requests may hold values from before a rule)."""
    changed = {k: v for k, v in changes.items() if as_text(v) != as_text(getattr(request, k))}
    clean, problems = check_reviewed_fields(changed)
    if problems:
        raise InvalidRequest(problems)
    return clean


def add_comment(request: Request, actor: User, text: str) -> RequestHistory:
    """A comment in the request's thread; it tells the watchers but changes no version."""
    return _record(request, actor, HistoryKind.COMMENT, _clean_comment(text, required=True))


@dataclass(frozen=True)
class BulkResult:
    """What a bulk review did to one request."""

    request_id: int
    ok: bool
    message: str


def bulk_review(actor: User, action: str, shown: dict[int, int | None], comment: str = ""):
    """Approve (the next step), hold or reject each request as it was shown: the review queue's
    and the request table's bulk bars. `shown` maps each request id to the version the user saw
    (None when the form did not say); a request changed since is refused with what happened, as
    one clicked on its own page would be. Each request moves in its own savepoint, so a refusal
    leaves the others done; one BulkResult per request, in `shown`'s order."""
    if action not in BULK_ACTIONS:
        raise InvalidChange("Choose approve, hold or reject.", "/action")
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


def _review_one(actor, action, request, request_id, version, comment) -> BulkResult:
    """One request of a bulk review: moved, or refused with the reason."""
    try:
        target = _bulk_target(action, request, request_id, version)
        with db.session.begin_nested():
            transition(request, target, actor, version, comment)
    except WorkflowError as error:
        return BulkResult(request_id, False, error.message)
    return BulkResult(request_id, True, f"Request {request_id} is now {request.status}.")


def _bulk_target(action: str, request: Request | None, request_id: int, version: int | None):
    """Where `action` takes the request as it was shown, or why it cannot."""
    if request is None:
        raise InvalidChange(f"There is no request {request_id}.", "/id")
    if version is None:
        raise InvalidChange(
            f"The form lost the version request {request_id} was shown with; reload the page.",
            "/id",
        )
    target = bulk_target(action, request.status)
    check_version(request, version, target)
    if target is None:
        raise InvalidChange(
            f"Request {request_id} is {request.status}: there is nothing to approve."
        )
    return target


def available_moves(request: Request, user) -> list:
    """The moves `user` may make now, in table order: the page's buttons."""
    moves = transitions_from(request.status)
    return [t for t in moves if policy.can_transition(user, request, t.target)]


def _clean_comment(text: str | None, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidChange("Write a comment: it says why, and the requester reads it.", "/comment")
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidChange(f"A comment has at most {COMMENT_MAX_LENGTH} characters.", "/comment")
    return text


def check_version(request: Request, expected_version: int, wanted: str | None) -> None:
    """Refuse (StaleRequest) a change decided on another version than the request has now."""
    if expected_version != request.version:
        raise StaleRequest(conflict_message(request, wanted))


def compare_and_set(request: Request, version: int, to_status: str | None, **values) -> None:
    """The one UPDATE of a request row: only if version and status are still what was read;
    bumps the version, or raises StaleRequest saying what changed meanwhile."""
    db.session.flush()
    values["updated_at"] = utcnow()
    result = db.session.execute(
        sa.update(Request)
        .where(
            Request.id == request.id,
            Request.version == version,
            Request.status == request.status,
        )
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(request, attribute_names=["status", "version", "updated_at"])
        raise StaleRequest(conflict_message(request, to_status))
    # What the database now holds, without reading the request (and its eager loads) again.
    for key, value in (values | {"version": version + 1}).items():
        set_committed_value(request, key, value)


def _record(request, actor, kind, comment, source=None, target=None, diff=None) -> RequestHistory:
    entry = RequestHistory(
        request_id=request.id,
        actor=actor,
        kind=kind,
        from_status=source,
        to_status=target,
        comment=comment,
        diff=diff,
    )
    db.session.add(entry)
    db.session.flush()
    notifications.tell_watchers(request, entry)
    return entry


def conflict_message(request: Request, wanted: str | None) -> str:
    """What happened to a request since the caller loaded it, in one or two sentences."""
    last = db.session.scalar(
        sa.select(RequestHistory)
        .where(
            RequestHistory.request_id == request.id,
            RequestHistory.kind.in_((HistoryKind.TRANSITION, HistoryKind.EDIT)),
        )
        .order_by(RequestHistory.id.desc())
        .limit(1)
    )
    who = last.actor.display_name if last is not None and last.actor else "someone"
    when = last.at.strftime("%Y-%m-%d %H:%M UTC") if last is not None else "meanwhile"
    if wanted is not None and request.status == wanted:
        return (
            f"Request {request.id} is already {wanted}: {who} changed it at {when}. "
            "Nothing was changed again."
        )
    return (
        f"Request {request.id} changed after you loaded it: {who} changed it at {when}, it is now "
        f"{request.status} (version {request.version}). Reload the page and decide again."
    )


def no_move_message(request: Request, to_status: str) -> str:
    targets = [t.target for t in transitions_from(request.status)]
    possible = ", ".join(dict.fromkeys(targets)) or "none"
    return (
        f"A request that is {request.status} cannot move to {to_status}; possible moves: "
        f"{possible}."
    )
