"""Bulk actions from the request and task tables: which rows, then one result per row.

The actions themselves belong to the task-action service (tasks) and the review workflow
(requests); this module only picks the rows, ticked ones or every row of the current view, and
for requests the version each was shown with (a request changed since is refused).
"""

from dataclasses import dataclass
from urllib.parse import parse_qsl

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from deftweb.errors import InvalidInput, NotFound
from deftweb.models import Request, User, db
from deftweb.models.base import stored_integer
from deftweb.services import review_moves, task_actions
from deftweb.services.listing import Table, keyset_order
from deftweb.services.transitions import BULK_ACTIONS

#: Rows one bulk action may touch, ticked or "every row of this view".
BULK_LIMIT = task_actions.BULK_LIMIT
TASK_ACTIONS = {action.value: rule.label for action, rule in task_actions.RULES.items()}
REQUEST_ACTIONS = dict(zip(BULK_ACTIONS, ("Approve (next step)", "Hold", "Reject"), strict=True))


class NoSuchRow(NotFound):
    """A ticked id that no row can have."""


class TooManyRows(InvalidInput):
    """More rows than one bulk action may touch; the message says how to narrow the view."""


@dataclass(frozen=True)
class RowResult:
    row_id: int
    ok: bool
    message: str


def selected_rows(table: Table, form, limit: int = BULK_LIMIT) -> dict[int, int | None]:
    """The rows a bulk form names, id -> the version each was shown with, in order.

    Ticked rows post "id:version" in a table with versions (a plain "id", version None,
    elsewhere). With `all_matching` the rows are every row of the view named by `view` (a query)
    as it is when the user confirms, at the version read now: the user chose the view, not rows
    they saw, so there is no older version to hold a row to.
    """
    if form.get("all_matching") != "1":
        rows = ticked_rows(form.getlist("id"), table.model.id, table.noun)
    else:
        listing = table.read(MultiDict(parse_qsl(form.get("view", ""))))
        if not listing.is_valid:
            problems = " ".join(listing.errors.values())
            raise InvalidInput(f"Fix the filters first: {problems}", "/view")
        order = keyset_order(table.sorts[listing.sort].column, table.model.id, listing.descending)
        version = table.version if table.version is not None else sa.null()
        query = table.query(listing).with_only_columns(table.model.id, version).order_by(*order)
        rows = dict(db.session.execute(query.limit(limit + 1)).all())
    if len(rows) > limit:
        raise TooManyRows(f"A bulk action takes at most {limit:,} rows: narrow the filters.", "/id")
    return rows


def ticked_rows(values: list[str], column, noun: str) -> dict[int, int | None]:
    """Posted "id" or "id:version" values as id -> version, each id once; text that is no number
    is skipped, an id `column` cannot hold raises NoSuchRow (the database would refuse it, not
    answer "no such row"), a version no row can have is a lost one (None)."""
    rows: dict[int, int | None] = {}
    for value in values:
        row_id, colon, version = value.partition(":")
        if not row_id.isdigit() or (colon and not version.isdigit()):
            continue
        number = stored_integer(row_id, column)
        if number is None:
            raise NoSuchRow(f"There is no {noun} {row_id}.")
        rows.setdefault(number, stored_integer(version, Request.version) if colon else None)
    return rows


def act_on_tasks(actor: User, action: str, ids: list[int], priority: int | None) -> list:
    """The task action on each task, through the task-action service (one JEDI command each)."""
    results = task_actions.perform(actor, action, ids, priority)
    return [RowResult(r.task_id, r.ok, r.message) for r in results]


def act_on_requests(actor: User, action: str, shown: dict[int, int | None], comment: str):
    """Approve (next step), hold or reject each request as it was shown (`shown`: id -> version),
    through the review workflow's bulk review, the one the review queue uses too."""
    results = review_moves.bulk_review(actor, action, shown, comment)
    return [RowResult(r.request_id, r.ok, r.message) for r in results]
