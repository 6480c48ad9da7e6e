"""Bulk actions from the tables: which rows, then one result per row.

The actions themselves belong to their features (task actions, the review's bulk moves), which
answer a `RowResult` per row; this module only picks the rows, ticked ones or every row of the
current view, and where a table has versions the version each was shown with.
"""

from dataclasses import dataclass
from urllib.parse import parse_qsl

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from deftweb.errors import InvalidInput, NotFound
from deftweb.listing.table import Table, keyset_order
from deftweb.models import Request, db
from deftweb.models.base import stored_integer

#: Rows one bulk action may touch, ticked or "every row of this view".
BULK_LIMIT = 1000


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
