"""The review workflow: the only way a request's status or reviewed fields change.

Every change is a compare-and-set (`UPDATE ... WHERE id = ? AND version = ? AND status = ?`) that
bumps the version, plus a `RequestHistory` row and the watchers' outbox rows, all in the caller's
transaction. A caller holding an old version gets `StaleRequest` (409) saying what happened since.
"""

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from deftweb.auth import policy
from deftweb.errors import Conflict, InvalidFields, InvalidInput, NotAllowed
from deftweb.field_checks import as_text
from deftweb.models import HistoryKind, Request, RequestHistory, User, db, utcnow
from deftweb.models.transitions import find_transition, transitions_from
from deftweb.notifications import watchers
from deftweb.requests.validation import check_reviewed_fields

COMMENT_MAX_LENGTH = 5000


class StaleRequest(Conflict):
    """The request changed since the caller read it; the message says what happened meanwhile."""


def transition(
    request: Request, to_status: str, actor: User, expected_version: int, comment: str = ""
) -> RequestHistory:
    """Move `request` to `to_status` if the table, the actor's roles and the version allow it."""
    move = find_transition(request.status, to_status)
    check_version(request, expected_version, to_status)
    if move is None and request.status == to_status:
        raise StaleRequest(conflict_message(request, to_status))
    if move is None:
        raise InvalidInput(no_move_message(request, to_status), pointer="/to")
    if not policy.can_transition(actor, request, to_status):
        raise NotAllowed(f"You may not {move.action.lower()} request {request.id}.")
    comment = _clean_comment(comment, required=move.comment_required)
    source = request.status
    compare_and_set(request, expected_version, to_status, status=to_status)
    entry = _record(request, actor, HistoryKind.TRANSITION, comment, source, to_status)
    return entry


def automatic_transition(request: Request, to_status: str, comment: str) -> RequestHistory:
    """A move decided by facts (JEDI's task statuses), not by a person: the table and the
    compare-and-set apply, the role gate does not, and the history names no actor."""
    if find_transition(request.status, to_status) is None:
        raise InvalidInput(no_move_message(request, to_status), pointer="/to")
    source = request.status
    compare_and_set(request, request.version, to_status, status=to_status)
    entry = _record(request, None, HistoryKind.TRANSITION, comment, source, to_status)
    return entry


def edit_request(request: Request, actor: User, changes: dict, expected_version: int):
    """Change reviewed fields (priority, descriptions, cc) within what `editable_fields` allows,
    by the filing rules; bad values raise InvalidFields and nothing is written."""
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
        raise InvalidFields(problems)
    return clean


def add_comment(request: Request, actor: User, text: str) -> RequestHistory:
    """A comment in the request's thread; it tells the watchers but changes no version."""
    return _record(request, actor, HistoryKind.COMMENT, _clean_comment(text, required=True))


def available_moves(request: Request, user) -> list:
    """The moves `user` may make now, in table order: the page's buttons."""
    moves = transitions_from(request.status)
    return [t for t in moves if policy.can_transition(user, request, t.target)]


def _clean_comment(text: str | None, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput("Write a comment: it says why, and the requester reads it.", "/comment")
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"A comment has at most {COMMENT_MAX_LENGTH} characters.", "/comment")
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
    watchers.tell_watchers(request, entry)
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
