"""The review workflow's gates as a truth table: every status pair, every kind of person.

Written out by hand (not derived from the transition table) so that a change to the table or the
gates shows up here as a deliberate edit.
"""

import itertools

import pytest

from deftweb.auth import policy
from deftweb.models import (
    GlobalRole,
    HistoryKind,
    RequestHistory,
    RequestStatus,
    RequestType,
    db,
)
from deftweb.requests import workflow
from deftweb.review import queries as review_queries

S = RequestStatus
PEOPLE = {
    "requester": {"groups": {"HIGG": "member"}},
    "higg-member": {"groups": {"HIGG": "member"}},
    "higg-convener": {"groups": {"HIGG": "convener"}},
    "susy-convener": {"groups": {"SUSY": "convener"}},
    "mc-coordinator": {"roles": (GlobalRole.MC_COORDINATOR,)},
    "prod-manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,)},
    "admin": {"roles": (GlobalRole.ADMIN,)},
    "disabled-admin": {"roles": (GlobalRole.ADMIN,), "is_active": False},
}

REQUESTER = {"requester", "admin"}
MANAGERS = {"prod-manager", "admin"}
REQUESTER_OR_MANAGER = {"requester", "prod-manager", "admin"}
#: Group approval: the MC coordinator for MC, the group's convener otherwise.
GROUP = {RequestType.MC: {"mc-coordinator", "admin"}, RequestType.GROUP: {"higg-convener", "admin"}}


def reviewers(kind):
    return GROUP[kind] | MANAGERS


def expected(kind) -> dict[tuple[str, str], set[str]]:
    """(from, to) -> who may make the move; a pair not listed is refused to everyone."""
    table = {
        (S.DRAFT, S.WAITING): REQUESTER,
        (S.DRAFT, S.CANCELLED): REQUESTER_OR_MANAGER,
        (S.WAITING, S.REGISTERED): GROUP[kind],
        (S.WAITING, S.REJECTED): GROUP[kind],
        (S.REGISTERED, S.APPROVED): MANAGERS,
        (S.REGISTERED, S.REJECTED): MANAGERS,
        (S.APPROVED, S.WORKING): MANAGERS,
        (S.WORKING, S.FINISHED): MANAGERS,
        (S.WORKING, S.DONE): MANAGERS,
        (S.WORKING, S.CANCELLED): MANAGERS,
        (S.FINISHED, S.DONE): MANAGERS,
        (S.REJECTED, S.DRAFT): REQUESTER,
        (S.REJECTED, S.CANCELLED): REQUESTER_OR_MANAGER,
        (S.HOLD, S.CANCELLED): REQUESTER_OR_MANAGER,
        # the request on hold was held while registered: resume goes back there only
        (S.HOLD, S.REGISTERED): reviewers(kind),
    }
    for status in (S.WAITING, S.REGISTERED, S.APPROVED):
        table[(status, S.HOLD)] = reviewers(kind)
        table[(status, S.CANCELLED)] = REQUESTER_OR_MANAGER
    return table


@pytest.fixture
def people(make):
    made = {}
    for name, spec in PEOPLE.items():
        made[name] = make.user(**spec)
    made["anonymous"] = None
    return made


def _request_in(make, requester, kind, status):
    request = make.request(requester=requester, request_type=kind, status=status)
    if status == S.HOLD:
        db.session.add(
            RequestHistory(
                request=request,
                kind=HistoryKind.TRANSITION,
                from_status=S.REGISTERED,
                to_status=S.HOLD,
            )
        )
        db.session.flush()
    return request


@pytest.mark.parametrize("kind", [RequestType.MC, RequestType.GROUP])
def test_can_transition_truth_table(make, people, kind):
    table = expected(kind)
    wrong = []
    for source in S:
        request = _request_in(make, people["requester"], kind, source)
        for target in S:
            allowed = table.get((source, target), set())
            for name, user in people.items():
                got = policy.can_transition(user, request, target)
                if got != (name in allowed):
                    wrong.append(f"{source}->{target} {name}: got {got}")
    assert wrong == []


#: status -> person -> fields they may edit (for an MC request; reviewers = coordinator, managers)
TEXT = {"description", "long_description", "reference_link", "cc"}
ALL = TEXT | {"priority"}
EDITS = {
    S.DRAFT: {"requester": ALL, "admin": ALL},
    S.REJECTED: {"requester": ALL, "admin": ALL},
    S.WAITING: {"requester": TEXT, "mc-coordinator": ALL, "prod-manager": ALL, "admin": ALL},
    S.REGISTERED: {"requester": TEXT, "mc-coordinator": ALL, "prod-manager": ALL, "admin": ALL},
    # held while registered: the registered rules apply
    S.HOLD: {"requester": TEXT, "mc-coordinator": ALL, "prod-manager": ALL, "admin": ALL},
    S.APPROVED: dict.fromkeys(("mc-coordinator", "prod-manager", "admin"), {"priority"}),
    S.WORKING: dict.fromkeys(("mc-coordinator", "prod-manager", "admin"), {"priority"}),
}


def test_editable_fields_truth_table(make, people):
    wrong = []
    for status in S:
        request = _request_in(make, people["requester"], RequestType.MC, status)
        for name, user in people.items():
            want = EDITS.get(status, {}).get(name, set())
            got = set(policy.editable_fields(user, request))
            if got != want:
                wrong.append(f"{status} {name}: got {sorted(got)}, want {sorted(want)}")
    assert wrong == []


def test_review_queue_is_for_approvers_only(people):
    allowed = {name for name, user in people.items() if policy.can_use_review_queue(user)}
    assert allowed == {"higg-convener", "susy-convener", "mc-coordinator", "prod-manager", "admin"}


# --- The review queue: exactly the requests the buttons offer a review move on ----------------

#: Where a request waits for someone who may at least hold it: its reviewers find it in the queue
#: (the approver of the step decides it, the others may hold it). Held requests wait for a resume,
#: which no bulk action makes: they are found in the request table, not the queue.
QUEUED = (S.WAITING, S.REGISTERED, S.APPROVED)


@pytest.mark.parametrize("kind", [RequestType.MC, RequestType.GROUP])
def test_queue_truth_table(make, people, kind):
    requests = {status: _request_in(make, people["requester"], kind, status) for status in S}
    wrong = []
    for name, user in people.items():
        queued = {r.id for r in review_queries.review_queue(user)}
        for status, request in requests.items():
            want = status in QUEUED and name in reviewers(kind)
            if (request.id in queued) != want:
                wrong.append(f"{status} {name}: in the queue {request.id in queued}")
    assert wrong == []


def is_review_move(move) -> bool:
    """What the bulk bars do: approve (the next step), hold, reject."""
    approvals = {(S.WAITING, S.REGISTERED), (S.REGISTERED, S.APPROVED)}
    return move.target in (S.HOLD, S.REJECTED) or (move.source, move.target) in approvals


def role_combinations():
    """Every mix of a HIGG role (none, member, convener), SUSY convenership and global roles."""
    global_roles = (GlobalRole.MC_COORDINATOR, GlobalRole.PRODUCTION_MANAGER, GlobalRole.ADMIN)
    subsets = [c for n in range(4) for c in itertools.combinations(global_roles, n)]
    higg_roles = (None, "member", "convener")
    for higg, susy, roles in itertools.product(higg_roles, (False, True), subsets):
        groups = ({"HIGG": higg} if higg else {}) | ({"SUSY": "convener"} if susy else {})
        name = [f"higg-{higg}"] * bool(higg) + ["susy-convener"] * susy + [str(r) for r in roles]
        yield "+".join(name) or "nobody", {"groups": groups, "roles": roles}


def test_the_queue_holds_what_the_buttons_offer_to_review_for_every_mix_of_roles(make):
    requester = make.user(groups={"HIGG": "member"})
    kinds = (RequestType.MC, RequestType.GROUP)
    requests = [_request_in(make, requester, kind, status) for kind in kinds for status in S]
    wrong = []
    for name, spec in role_combinations():
        user = make.user(**spec)
        queued = {r.id for r in review_queries.review_queue(user)}
        for request in requests:
            offered = any(is_review_move(m) for m in workflow.available_moves(request, user))
            if offered != (request.id in queued):
                where = f"{request.request_type} {request.status}"
                wrong.append(f"{name} {where}: queue {request.id in queued}, buttons {offered}")
        if queued and not policy.can_use_review_queue(user):
            wrong.append(f"{name}: a queue but no way to the queue page")
    assert wrong == []
