"""Export of a filtered table as CSV or JSON, streamed in keyset batches (memory stays flat)."""

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa

from deftweb.listing.table import Column, Listing, Sort, beyond, keyset_order
from deftweb.models import db

BATCH = 1000
#: A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_rows(
    query: sa.Select, id_column, listing: Listing, sorts: dict[str, Sort], limit: int, load=()
) -> Iterator[object]:
    """Every row of `query` in the listing's order, at most `limit`, one batch per statement."""
    sort_column = sorts[listing.sort].column
    ordering = keyset_order(sort_column, id_column, listing.descending)
    cursor, sent = None, 0
    while sent < limit:
        batch_query = query.options(*load).order_by(*ordering).limit(min(BATCH, limit - sent))
        if cursor is not None:
            batch_query = batch_query.where(
                beyond(sort_column, id_column, cursor, listing.descending)
            )
        rows = list(db.session.scalars(batch_query).unique())
        yield from rows
        sent += len(rows)
        if len(rows) < BATCH:
            return
        last = rows[-1]
        cursor = (getattr(last, sort_column.key), last.id)
        for row in rows:  # the identity map would otherwise keep every exported row
            db.session.expunge(row)


def cell(value) -> object:
    """A CSV cell: times in ISO 8601 UTC, missing values empty, and text a spreadsheet would run
    as a formula (`=HYPERLINK(...)` in a description, a login name) quoted by a leading `'`."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def as_csv(rows: Iterator[object], columns: Sequence[Column]) -> Iterator[str]:
    buffer = io.StringIO()
    # RFC 4180 line ends: a field holding a \r or \n is then quoted, so it cannot break its row
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for number, row in enumerate(rows, 1):
        writer.writerow([cell(c.value(row)) for c in columns])
        if number % 200 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def as_json(rows: Iterator[object], columns: Sequence[Column]) -> Iterator[str]:
    """A JSON array of objects keyed by column, written as it is read."""
    yield "["
    separator = "\n"
    for row in rows:
        record = {c.key: _json_cell(c.value(row)) for c in columns}
        yield separator + json.dumps(record, separators=(",", ":"))
        separator = ",\n"
    yield "\n]\n"


def _json_cell(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
