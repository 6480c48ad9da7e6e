"""Who may do what: plain predicates, deny by default, used by pages and the API alike.

Each predicate takes the user (possibly anonymous, possibly None) and the object and returns a bool.
Routes call `require(predicate(...))` right after loading the object. Every active signed-in user
may view every request, task and dataset (ATLAS production is collaboration-wide transparent);
roles and working-group memberships decide what one may do.

Sections: general helpers and predicates (sign-in, roles, groups, viewing, admin), then one section
per area that adds its own predicates (review workflow, task actions...).
"""

import logging
from dataclasses import dataclass

from flask import abort, current_app, request
from flask_login import current_user

from deftweb.models import (
    GlobalRole,
    MembershipRole,
    RequestStatus,
    RequestType,
    User,
    WorkingGroup,
)
from deftweb.models.transitions import REVIEW_MOVES, Gate, find_transition, held_from

log = logging.getLogger(__name__)

# --- General: who the user is -------------------------------------------------------------------


def is_signed_in(user) -> bool:
    """A real, active user (not anonymous, not disabled)."""
    return isinstance(user, User) and bool(user.is_active)


def has_global_role(user, role: GlobalRole) -> bool:
    return is_signed_in(user) and user.has_role(role)


def is_admin(user) -> bool:
    return has_global_role(user, GlobalRole.ADMIN)


def is_production_manager(user) -> bool:
    return has_global_role(user, GlobalRole.PRODUCTION_MANAGER)


def group_code(group: WorkingGroup | str | None) -> str | None:
    """The code of a working group given as a model or as its code."""
    if isinstance(group, WorkingGroup):
        return group.code
    return group or None


def group_role(user, group: WorkingGroup | str | None) -> str | None:
    """The user's strongest role in `group` (convener > member), or None."""
    code = group_code(group)
    if not is_signed_in(user) or code is None:
        return None
    return user.group_roles().get(code)


def is_member_of(user, group: WorkingGroup | str | None) -> bool:
    """A member or a convener of the group."""
    return group_role(user, group) in (MembershipRole.MEMBER, MembershipRole.CONVENER)


def is_convener_of(user, group: WorkingGroup | str | None) -> bool:
    return group_role(user, group) == MembershipRole.CONVENER


def is_requester_of(user, request) -> bool:
    return is_signed_in(user) and request is not None and request.requester_id == user.id


# --- General: viewing ---------------------------------------------------------------------------


def can_view_request(user, request) -> bool:
    return is_signed_in(user) and request is not None


def can_view_task(user, task) -> bool:
    return is_signed_in(user) and task is not None


def can_view_dataset(user, dataset) -> bool:
    return is_signed_in(user) and dataset is not None


# --- General: requests and templates ------------------------------------------------------------


def can_file_request_for(user, group: WorkingGroup | str | None) -> bool:
    """File a new request on behalf of a working group: its members and conveners."""
    if isinstance(group, WorkingGroup) and not group.is_active:
        return False
    return is_member_of(user, group)


def can_file_requests(user) -> bool:
    """Open the filing form and its slice editor (pasting and spreadsheet imports included):
    members of some active working group."""
    if not is_signed_in(user):
        return False
    return any(can_file_request_for(user, m.working_group) for m in user.memberships)


def can_edit_request(user, request) -> bool:
    """Edit a request's content: its requester, while it is still a draft."""
    return is_requester_of(user, request) and request.status == RequestStatus.DRAFT


def can_manage_templates(user, group: WorkingGroup | str | None) -> bool:
    """Create, edit and retire a working group's request templates: its conveners."""
    return is_convener_of(user, group)


# --- General: administration and one's own account ----------------------------------------------


def can_admin(user) -> bool:
    """Admin pages: users, identities, memberships, roles."""
    return is_admin(user)


def can_revoke_token(user, token) -> bool:
    """An API token: its owner, or an admin (a leaked token)."""
    return is_signed_in(user) and token is not None and (token.user_id == user.id or is_admin(user))


def can_link_presented_certificate(user, auth_method: str | None) -> bool:
    """Link the certificate one presents: only in a session signed in by SSO (or the development
    login), so a certificate can never vouch for another one."""
    return is_signed_in(user) and auth_method in ("saml", "dev")


#: What a refusal says when the route has nothing more precise to say.
REFUSED = "You may not do this."


def require(allowed: bool, message: str = REFUSED) -> None:
    """Stop with 403 unless `allowed` (and log the refusal: ASVS wants failed authorisations)."""
    if not allowed:
        who = getattr(current_user, "username", "anonymous")
        log.warning("refused %s %s to %s: %s", request.method, request.path, who, message)
        abort(403, message)


# --- Review workflow: who may move a request, edit its fields, comment and watch ---------------
# The moves themselves are data in `deftweb.models.transitions`; each names a gate, and the
# grants below say who passes it. The predicates here and the review queue's SQL
# (`review.queries.queue_clauses`) both read the grants, so the buttons and the queue agree.

#: A grant's holder besides the global roles: the request's requester, a convener of its group.
REQUESTER = "requester"
CONVENER = MembershipRole.CONVENER


@dataclass(frozen=True)
class Grant:
    """Holders of `role` pass the gate on requests of MC type (mc=True), of other types
    (mc=False) or of any type (None). `role` is a GlobalRole, REQUESTER or CONVENER."""

    role: str
    mc: bool | None = None


#: Group approval: for MC requests an MC coordinator, otherwise a convener of the group.
_GROUP_APPROVERS = (
    Grant(GlobalRole.ADMIN),
    Grant(GlobalRole.MC_COORDINATOR, mc=True),
    Grant(CONVENER, mc=False),
)
_MANAGERS = (Grant(GlobalRole.PRODUCTION_MANAGER), Grant(GlobalRole.ADMIN))
GATE_GRANTS: dict[Gate, tuple[Grant, ...]] = {
    Gate.REQUESTER: (Grant(REQUESTER), Grant(GlobalRole.ADMIN)),
    Gate.GROUP_APPROVER: _GROUP_APPROVERS,
    Gate.PRODUCTION_MANAGER: _MANAGERS,
    # they hold, resume, reprioritise
    Gate.REVIEWER: _GROUP_APPROVERS + _MANAGERS,
    Gate.REQUESTER_OR_MANAGER: (Grant(REQUESTER), *_MANAGERS),
}


def holds_grant_on(user, grant: Grant, request) -> bool:
    """`user` holds `grant` on `request`: the type fits and they hold the role there."""
    if grant.mc is not None and (request.request_type == RequestType.MC) != grant.mc:
        return False
    if grant.role == REQUESTER:
        return is_requester_of(user, request)
    if grant.role == CONVENER:
        return is_convener_of(user, request.working_group)
    return has_global_role(user, grant.role)


def holds_grant_somewhere(user, grant: Grant) -> bool:
    """`user` may hold `grant` on some request: they have the role (or convene some group)."""
    if grant.role == REQUESTER:
        return is_signed_in(user)
    if grant.role == CONVENER:
        return is_signed_in(user) and CONVENER in user.group_roles().values()
    return has_global_role(user, grant.role)


def passes_gate(user, request, gate: Gate) -> bool:
    """One of the gate's grants is the user's on this request (none for an unknown gate)."""
    grants = GATE_GRANTS.get(gate, ())
    return is_signed_in(user) and any(holds_grant_on(user, g, request) for g in grants)


def is_reviewer_of(user, request) -> bool:
    """Group approvers of the request and production managers."""
    return passes_gate(user, request, Gate.REVIEWER)


def can_use_review_queue(user) -> bool:
    """The reviewer queue: whoever may make a review move (approve, hold, reject) somewhere."""
    grants = {g for move in REVIEW_MOVES for g in GATE_GRANTS[move.gate]}
    return any(holds_grant_somewhere(user, g) for g in grants)


def can_transition(user, request, to_status: str) -> bool:
    """Move `request` from its current status to `to_status`: the table's gate for that move."""
    move = find_transition(request.status, to_status)
    if move is None or (move.resumes and held_from(request) != to_status):
        return False
    return passes_gate(user, request, move.gate)


#: The request fields the review workflow lets people change after filing.
TEXT_FIELDS = frozenset({"description", "long_description", "reference_link", "cc"})
EDITABLE_FIELDS = TEXT_FIELDS | {"priority"}


def editable_fields(user, request) -> frozenset[str]:
    """Fields `user` may change now: the requester edits drafts; after submission only reviewers
    touch priority; after approval only priority changes (and comments, which are not fields)."""
    if not is_signed_in(user) or request is None:
        return frozenset()
    status = held_from(request) if request.status == RequestStatus.HOLD else request.status
    requester = is_requester_of(user, request)
    if status in (RequestStatus.DRAFT, RequestStatus.REJECTED):
        return EDITABLE_FIELDS if requester or is_admin(user) else frozenset()
    reviewer = is_reviewer_of(user, request)
    if status in (RequestStatus.WAITING, RequestStatus.REGISTERED):
        return EDITABLE_FIELDS if reviewer else (TEXT_FIELDS if requester else frozenset())
    if status in (RequestStatus.APPROVED, RequestStatus.WORKING):
        return frozenset({"priority"}) if reviewer else frozenset()
    return frozenset()


def can_comment_on_request(user, request) -> bool:
    return can_view_request(user, request)


def can_watch_request(user, request) -> bool:
    return can_view_request(user, request)


# --- Tasks: actions, definition, JEDI status reports, meta-task import --------------------------

#: Group production users may not raise a task above this priority (prodtask task_management.py).
GROUP_PRIORITY_CAP = 570


def task_group(task) -> str | None:
    """The working-group code of a task: HIGG for workingGroup AP_HIGG."""
    if task is None:
        return None
    return task.working_group.partition("_")[2] or None


def can_act_on_task(user, task) -> bool:
    """Abort, finish, retry, reprioritise, obsolete: production managers any task, conveners
    their group's tasks."""
    if task is None or not is_signed_in(user):
        return False
    return is_production_manager(user) or is_convener_of(user, task_group(task))


def task_priority_cap(user, task) -> int | None:
    """The highest priority `user` may give `task`; None means no cap (production managers)."""
    return None if is_production_manager(user) else GROUP_PRIORITY_CAP


def can_define_tasks(user, request) -> bool:
    """Run task definition again on an approved or working request (after fixing what failed)."""
    ready = request is not None and request.status in (
        RequestStatus.APPROVED,
        RequestStatus.WORKING,
    )
    return ready and is_production_manager(user)


def can_report_task_status(user, auth_method: str | None) -> bool:
    """Post JEDI's task status reports: a service account named in JEDI_SERVICE_ACCOUNTS signed in
    by its certificate, or an admin (an operator correcting a status by hand)."""
    if not is_signed_in(user):
        return False
    service = user.username in current_app.config["JEDI_SERVICE_ACCOUNTS"] and auth_method == "x509"
    return service or is_admin(user)


# --- Request and task tables: bulk actions ------------------------------------------------------
# Each row is still checked by the task-action service or the review workflow; these only decide
# whether the table offers a bulk bar at all.


def can_bulk_act_on_tasks(user) -> bool:
    """Production managers, and conveners (of any group: each task is checked on its own)."""
    if not is_signed_in(user):
        return False
    return is_production_manager(user) or any(
        m.role == MembershipRole.CONVENER for m in user.memberships
    )


def can_bulk_move_requests(user) -> bool:
    return can_use_review_queue(user)


# --- Datasets: who may register which names (deftweb.datasets.registry) -----------------
# Official names (mc, data, physics containers) are production's: production managers only.
# `group.<account>.` names belong to the working group behind the Rucio group account;
# `user.<nick>.` names to the user whose username is nick (Rucio: user scope = account).


def can_register_dataset(user, name) -> bool:
    """Register `name` (a parsed DatasetName) as a dataset or container."""
    if name is None or not is_signed_in(user):
        return False
    if name.kind == "user":
        return user.username == name.owner
    if name.kind == "group":
        return is_member_of(user, name.owner_group)
    return name.kind in ("mc", "data", "physcont") and is_production_manager(user)


def can_fill_container(user, container, name) -> bool:
    """Add datasets to a registered container: whoever may register its name (`name`, parsed)."""
    return container is not None and container.is_container and can_register_dataset(user, name)


def can_delete_dataset(user, dataset, name) -> bool:
    """Mark a dataset or container deleted (its name stays taken): whoever may register `name`."""
    return dataset is not None and can_register_dataset(user, name)


# --- Filing: new requests, drafts, clones (deftweb.requests.filing) ------------------------------


def can_clone_request(user, request) -> bool:
    """Start a new draft from a request's content: members of its working group."""
    if request is None or not can_view_request(user, request):
        return False
    return can_file_request_for(user, request.working_group)
