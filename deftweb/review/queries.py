"""What the review pages show: a request's timeline, history, discussion, and the reviewer queue."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from deftweb.auth import policy
from deftweb.models import (
    HistoryKind,
    Request,
    RequestHistory,
    RequestStatus,
    RequestType,
    WorkingGroup,
    db,
)
from deftweb.models.transitions import MAIN_FLOW, REVIEW_MOVES

S = RequestStatus
#: The queue shows at most this many requests; filters narrow it down.
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class Station:
    status: str
    #: passed, current or ahead; `side` marks a status off the main flow (hold, rejected...).
    state: str
    side: bool = False


def timeline(request: Request) -> list[Station]:
    """The main flow draft -> done with the request's place on it; a side status follows the
    last main-flow status it reached."""
    if request.status in MAIN_FLOW:
        reached, side = request.status, None
    else:
        reached, side = _last_main_status(request), request.status
    index = MAIN_FLOW.index(reached)
    stations = []
    for n, status in enumerate(MAIN_FLOW):
        if status == S.DONE and side == S.FINISHED:
            stations.append(Station(S.FINISHED, "current", side=True))
            continue
        state = "passed" if n < index else ("ahead" if n > index else "current")
        if side and n == index:
            state = "passed"
        stations.append(Station(status, state))
        if side and side != S.FINISHED and n == index:
            stations.append(Station(side, "current", side=True))
    return stations


def _last_main_status(request: Request) -> str:
    for entry in reversed(request.history):
        if entry.kind == HistoryKind.TRANSITION and entry.from_status in MAIN_FLOW:
            return entry.from_status
    return S.DRAFT


def queue_rows(request_ids: list[int]) -> list[Request]:
    """The requests of these ids that exist, as queue rows (group, requester), in that order."""
    found = db.session.scalars(
        sa.select(Request)
        .where(Request.id.in_(request_ids))
        .options(joinedload(Request.working_group), joinedload(Request.requester))
    )
    by_id = {r.id: r for r in found}
    return [by_id[i] for i in request_ids if i in by_id]


def history_of(request_id: int) -> list[RequestHistory]:
    return list(
        db.session.scalars(
            sa.select(RequestHistory)
            .where(RequestHistory.request_id == request_id)
            .options(joinedload(RequestHistory.actor))
            .order_by(RequestHistory.id)
        )
    )


def discussion_of(request_id: int) -> list[RequestHistory]:
    """Comments, and the moves that came with one, oldest first."""
    return list(
        db.session.scalars(
            sa.select(RequestHistory)
            .where(
                RequestHistory.request_id == request_id,
                sa.or_(RequestHistory.kind == HistoryKind.COMMENT, RequestHistory.comment != ""),
            )
            .options(joinedload(RequestHistory.actor))
            .order_by(RequestHistory.id)
        )
    )


def _review_grants() -> dict[str, list]:
    """Status -> the grants of the review moves from it, each once, in the tables' order."""
    by_status: dict[str, dict] = {}
    for move in REVIEW_MOVES:
        by_status.setdefault(move.source, {}).update(dict.fromkeys(policy.GATE_GRANTS[move.gate]))
    return {status: list(grants) for status, grants in by_status.items()}


REVIEW_GRANTS = _review_grants()


def queue_clauses(user) -> list:
    """SQL conditions for "waiting for my action": a request on which the user may make a review
    move (approve, hold, reject), read from the same grants as `policy.passes_gate`."""
    if not policy.is_signed_in(user):
        return []
    clauses = []
    for status, grants in REVIEW_GRANTS.items():
        held = [c for c in (grant_clause(user, g) for g in grants) if c is not None]
        if held:
            clauses.append(sa.and_(Request.status == status, sa.or_(*held)))
    return clauses


def grant_clause(user, grant: policy.Grant):
    """The requests on which `user` holds `grant`, as SQL; None where they hold it nowhere
    (the SQL twin of `policy.holds_grant_on`)."""
    if grant.role == policy.REQUESTER:
        holder = Request.requester_id == user.id
    elif grant.role == policy.CONVENER:
        convened = [m.working_group_id for m in user.memberships if m.role == policy.CONVENER]
        if not convened:
            return None
        holder = Request.working_group_id.in_(convened)
    elif policy.has_global_role(user, grant.role):
        holder = sa.true()
    else:
        return None
    if grant.mc is None:
        return holder
    if grant.mc:
        return sa.and_(holder, Request.request_type == RequestType.MC)
    return sa.and_(holder, Request.request_type != RequestType.MC)


def review_queue(user, group: str | None = None, request_type: str | None = None) -> list[Request]:
    """Requests waiting for the user's action under their roles, oldest first."""
    clauses = queue_clauses(user)
    if not clauses:
        return []
    query = (
        sa.select(Request)
        .where(sa.or_(*clauses))
        .options(joinedload(Request.working_group), joinedload(Request.requester))
        .order_by(Request.id)
        .limit(QUEUE_LIMIT)
    )
    if group:
        query = query.join(WorkingGroup).where(WorkingGroup.code == group)
    if request_type:
        query = query.where(Request.request_type == request_type)
    return list(db.session.scalars(query))


def queue_groups() -> list[str]:
    return list(db.session.scalars(sa.select(WorkingGroup.code).order_by(WorkingGroup.code)))
