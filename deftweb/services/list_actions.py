"""Bulk actions from the request and task tables: which rows, then one result per row.

The actions themselves belong to the task-action service (tasks) and the review workflow
(requests); this module only picks the rows, ticked ones or every row of the current view.
"""

from dataclasses import dataclass
from urllib.parse import parse_qsl

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from deftweb.models import Request, User, db
from deftweb.services import task_actions, workflow
from deftweb.services.listing import BadFilter, Table, keyset_order
from deftweb.services.transitions import APPROVALS

#: Rows one bulk action may touch, ticked or "every row of this view".
BULK_LIMIT = task_actions.BULK_LIMIT
TASK_ACTIONS = {action.value: rule.label for action, rule in task_actions.RULES.items()}
REQUEST_ACTIONS = {"approve": "Approve (next step)", "hold": "Hold", "reject": "Reject"}
REQUEST_TARGETS = {"hold": "hold", "reject": "rejected"}


class TooManyRows(ValueError):
    """More rows than one bulk action may touch; the message says how to narrow the view."""


@dataclass(frozen=True)
class RowResult:
    row_id: int
    ok: bool
    message: str


def selected_ids(table: Table, form, limit: int = BULK_LIMIT) -> list[int]:
    """The ticked ids, or with `all_matching` every id of the view named by `view` (a query)."""
    if form.get("all_matching") != "1":
        ids = list(dict.fromkeys(int(v) for v in form.getlist("id") if v.isdigit()))
    else:
        listing = table.read(MultiDict(parse_qsl(form.get("view", ""))))
        if not listing.is_valid:
            raise BadFilter("Fix the filters first: " + " ".join(listing.errors.values()))
        order = keyset_order(table.sorts[listing.sort].column, table.model.id, listing.descending)
        query = table.query(listing).with_only_columns(table.model.id).order_by(*order)
        ids = list(db.session.scalars(query.limit(limit + 1)))
    if len(ids) > limit:
        raise TooManyRows(f"A bulk action takes at most {limit:,} rows: narrow the filters.")
    return ids


def act_on_tasks(actor: User, action: str, ids: list[int], priority: int | None) -> list:
    """The task action on each task, through the task-action service (one JEDI command each)."""
    results = task_actions.perform(actor, action, ids, priority)
    return [RowResult(r.task_id, r.ok, r.message) for r in results]


def act_on_requests(actor: User, action: str, ids: list[int], comment: str) -> list:
    """Approve (next step), hold or reject each request through the review workflow."""
    found = db.session.scalars(sa.select(Request).where(Request.id.in_(ids)))
    requests = {r.id: r for r in found}
    return [_move(actor, action, requests.get(i), i, comment) for i in ids]


def _move(actor: User, action: str, request: Request | None, request_id: int, comment: str):
    if request is None:
        return RowResult(request_id, False, f"There is no request {request_id}.")
    target = REQUEST_TARGETS.get(action) or APPROVALS.get(request.status, "approved")
    try:
        with db.session.begin_nested():
            # The version read now: a row ticked on an older page is moved as it is now.
            workflow.transition(request, target, actor, request.version, comment)
    except workflow.WorkflowError as error:
        return RowResult(request_id, False, error.message)
    return RowResult(request_id, True, f"Request {request_id} is now {target}.")
