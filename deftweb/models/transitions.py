"""The review workflow's transition table: every move a request's status can make, as data.

Each row names the move, who may make it (a gate, decided in `deftweb.auth.policy`), and whether a
comment is required. Adding a state means adding it to `RequestStatus` and adding rows here.
"""

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from deftweb.models import HistoryKind, RequestHistory, db
from deftweb.models import RequestStatus as S


class Gate(StrEnum):
    """Who may make a move; `policy.passes_gate` says what each one means."""

    REQUESTER = "requester"
    #: A convener of the request's group; for MC requests an MC coordinator.
    GROUP_APPROVER = "group_approver"
    PRODUCTION_MANAGER = "production_manager"
    #: Group approvers and production managers.
    REVIEWER = "reviewer"
    #: The requester (before work starts) or a production manager.
    REQUESTER_OR_MANAGER = "requester_or_manager"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    #: The button label, in the words reviewers use.
    action: str
    gate: Gate
    comment_required: bool = False
    #: Leaving `hold` may only go back to the status the request was held in.
    resumes: bool = False


#: Statuses the default flow passes through, in order: the page's timeline.
MAIN_FLOW = (S.DRAFT, S.WAITING, S.REGISTERED, S.APPROVED, S.WORKING, S.DONE)
#: Statuses a reviewer may put on hold and resume from (work has not started).
HOLDABLE = (S.WAITING, S.REGISTERED, S.APPROVED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.WAITING, "Submit", Gate.REQUESTER),
    Transition(S.DRAFT, S.CANCELLED, "Cancel", Gate.REQUESTER_OR_MANAGER),
    Transition(S.WAITING, S.REGISTERED, "Approve for the group", Gate.GROUP_APPROVER),
    Transition(S.WAITING, S.REJECTED, "Reject", Gate.GROUP_APPROVER, comment_required=True),
    Transition(S.REGISTERED, S.APPROVED, "Approve for production", Gate.PRODUCTION_MANAGER),
    Transition(S.REGISTERED, S.REJECTED, "Reject", Gate.PRODUCTION_MANAGER, comment_required=True),
    Transition(S.APPROVED, S.WORKING, "Start work", Gate.PRODUCTION_MANAGER),
    Transition(S.WORKING, S.FINISHED, "Finish (partly done)", Gate.PRODUCTION_MANAGER),
    Transition(S.WORKING, S.DONE, "Mark done", Gate.PRODUCTION_MANAGER),
    Transition(S.WORKING, S.CANCELLED, "Cancel", Gate.PRODUCTION_MANAGER),
    Transition(S.FINISHED, S.DONE, "Mark done", Gate.PRODUCTION_MANAGER),
    Transition(S.REJECTED, S.DRAFT, "Revise", Gate.REQUESTER),
    Transition(S.REJECTED, S.CANCELLED, "Cancel", Gate.REQUESTER_OR_MANAGER),
    Transition(S.HOLD, S.CANCELLED, "Cancel", Gate.REQUESTER_OR_MANAGER),
    *(Transition(s, S.HOLD, "Hold", Gate.REVIEWER) for s in HOLDABLE),
    *(Transition(s, S.CANCELLED, "Cancel", Gate.REQUESTER_OR_MANAGER) for s in HOLDABLE),
    *(Transition(S.HOLD, s, "Resume", Gate.REVIEWER, resumes=True) for s in HOLDABLE),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}
#: Moves that advance a request towards production: what "approve" means in the reviewer queue.
APPROVALS = {S.WAITING: S.REGISTERED, S.REGISTERED: S.APPROVED}
#: What the bulk bars (the review queue, the request table) do to each request they are given.
BULK_ACTIONS = ("approve", "hold", "reject")
#: The request table's and the queue's bulk bar: action -> its label.
BULK_ACTION_LABELS = dict(zip(BULK_ACTIONS, ("Approve (next step)", "Hold", "Reject"), strict=True))


def bulk_target(action: str, source: str) -> str | None:
    """Where a bulk action takes a request in `source`: approve means the next approval step
    (None where there is none: approving never resumes a held request)."""
    if action == "hold":
        return S.HOLD
    if action == "reject":
        return S.REJECTED
    return APPROVALS.get(source)


#: The moves a bulk action makes: a request is in a reviewer's queue when they may make one.
REVIEW_MOVES = tuple(
    t for t in TRANSITIONS if any(bulk_target(a, t.source) == t.target for a in BULK_ACTIONS)
)


def find_transition(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((source, target))


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def held_from(request) -> str | None:
    """The status a request on hold was held in (where "Resume" takes it back)."""
    if request.status != S.HOLD:
        return None
    return db.session.scalar(
        sa.select(RequestHistory.from_status)
        .where(
            RequestHistory.request_id == request.id,
            RequestHistory.kind == HistoryKind.TRANSITION,
            RequestHistory.to_status == S.HOLD,
        )
        .order_by(RequestHistory.id.desc())
        .limit(1)
    )
