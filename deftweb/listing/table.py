"""What the request and task tables share: columns, filter parsing, keyset paging, capped counts.

Paging is by keyset (`WHERE (sort, id) < (last seen) ORDER BY sort, id LIMIT n`), never OFFSET, so
page 1000 costs what page 1 costs and rows inserted meanwhile never shift a page. Counts stop at a
cap: counting every match of a broad filter over 10^6 rows costs more than the page itself.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from deftweb.models import db
from deftweb.models.base import holds

PAGE_SIZE = 50
PAGE_SIZES = (20, 50, 100, 500)
#: The view's own query keys beside the filters (the page links add `after`/`before` and `page`).
VIEW_KEYS = frozenset({"sort", "size", "cols", "after", "before", "page"})
#: Most values one repeated filter takes (status=running&status=done...).
MAX_FILTER_VALUES = 50
#: Beyond this many matches the table says "1,000+" instead of counting them all.
COUNT_CAP = 1000


class BadFilter(ValueError):
    """A filter value that cannot be read; the message says what to write instead."""


@dataclass(frozen=True)
class Column:
    """One column a user may show: its URL key, heading, how a row gives its value, and links."""

    key: str
    label: str
    value: Callable[[object], object]
    #: The filter a click on the cell sets, and how the cell value becomes that filter's value.
    filter_key: str | None = None
    kind: str = "text"  # text, name, status, time, task, request, number
    shown: bool = True
    #: The sort (a key of the table's sorts) its heading switches to, if any.
    sort: str | None = None
    #: A loader option that brings its value in with the rows (a deferred name), if needed.
    load: object = None


@dataclass(frozen=True)
class Filter:
    """One filter: its URL key, label, and how a cleaned value becomes a WHERE clause."""

    key: str
    label: str
    parse: Callable[[str], object]
    clause: Callable[[object], sa.ColumnElement[bool]]
    hint: str = ""
    many: bool = False  # repeated in the URL (status=running&status=done)
    #: The values offered in a drop-down; any other typed into the URL is still read.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sort:
    key: str
    column: sa.ColumnElement
    label: str


@dataclass(frozen=True)
class Table:
    """One list: the blueprint that shows it, what it lists, and its columns, filters, sorts."""

    endpoint: str  # "tasks" serves tasks.index, tasks.export
    noun: str
    model: type
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...]
    sorts: dict[str, Sort]
    #: The template of the whole page (one that extends the shared page adds to it).
    page_template: str = "_listing/page.html"
    #: The column a ticked row posts with its id ("id:version"), where a bulk action refuses a
    #: row that changed since it was shown.
    version: object = None

    def shown_as(self, row) -> str:
        """What a ticked row posts: its id, and the version it is shown with where there is one."""
        if self.version is None:
            return str(row.id)
        return f"{row.id}:{getattr(row, self.version.key)}"

    def read(self, args) -> "Listing":
        return read_listing(args, self.filters, self.sorts, self.columns, self.model.id)

    @property
    def query_keys(self) -> frozenset[str]:
        """What this table's URLs may carry: its filters, sort, size, columns and paging."""
        return frozenset({f.key for f in self.filters} | VIEW_KEYS)

    def query(self, listing: "Listing") -> sa.Select:
        """Every row the listing's filters match, unordered."""
        return sa.select(self.model).where(*listing.clauses)

    def page(self, listing: "Listing", count: bool = True) -> "Page":
        """The page the listing asks for: the rows, and unless `count` is off the capped count."""
        sort_key = self.sorts[listing.sort].column.key
        return build_page(
            self.query(listing),
            self.model.id,
            listing,
            self.sorts,
            lambda row: getattr(row, sort_key),
            load=self.loads(listing),
            count=count,
        )

    def loads(self, listing: "Listing") -> tuple:
        """Loader options that bring in what the shown columns need, in the rows' statement."""
        return tuple(column.load for column in listing.columns if column.load is not None)

    def count(self, listing: "Listing") -> tuple[int, bool]:
        """How many rows the listing's filters match, up to the cap (True when capped)."""
        return capped_count(self.query(listing))


@dataclass
class Listing:
    """What a list page needs from the query string: filters, sort, cursor, columns."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    clauses: list = field(default_factory=list)
    sort: str = "id"
    descending: bool = True
    after: tuple | None = None
    before: tuple | None = None
    page_number: int = 1
    size: int = PAGE_SIZE
    columns: list[Column] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class Page:
    rows: list
    #: None when not counted yet (the list page asks for it in a second request).
    count: int | None
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None


def read_listing(
    args,
    filters: Sequence[Filter],
    sorts: dict[str, Sort],
    columns: Sequence[Column],
    id_column,
    default_sort: str = "-id",
) -> Listing:
    """Clean the query string: every bad value gets a message under its filter's key."""
    listing = Listing()
    for spec in filters:
        raw = list(dict.fromkeys(v.strip() for v in args.getlist(spec.key) if v.strip()))
        if not raw:
            continue
        if len(raw) > MAX_FILTER_VALUES:
            listing.values[spec.key] = raw[:MAX_FILTER_VALUES]
            listing.errors[spec.key] = f"At most {MAX_FILTER_VALUES} values, not {len(raw):,}."
            continue
        listing.values[spec.key] = raw if spec.many else raw[0]
        try:
            value = spec.parse(raw if spec.many else raw[0])
        except BadFilter as error:
            listing.errors[spec.key] = str(error)
            continue
        listing.clauses.append(spec.clause(value))
    _read_sort(listing, args.get("sort") or default_sort, sorts)
    _read_cursor(listing, args, sorts[listing.sort].column, id_column)
    listing.size = _int_in(args.get("size"), PAGE_SIZES, PAGE_SIZE)
    listing.page_number = max(1, _int_or(args.get("page"), 1))
    listing.columns = chosen_columns(args.getlist("cols"), columns)
    return listing


def _read_sort(listing: Listing, raw: str, sorts: dict[str, Sort]) -> None:
    key = raw.lstrip("-")
    if key not in sorts:
        listing.errors["sort"] = f"Sort by one of: {', '.join(sorts)}."
        key, raw = "id", "-id"
    listing.sort, listing.descending = key, raw.startswith("-")


def _read_cursor(listing: Listing, args, sort_column, id_column) -> None:
    for name in ("after", "before"):
        if args.get(name):
            try:
                setattr(listing, name, decode_cursor(args[name], sort_column, id_column))
            except BadFilter as error:
                listing.errors[name] = str(error)


def chosen_columns(keys: Sequence[str], columns: Sequence[Column]) -> list[Column]:
    """The columns named in the URL, in table order; the default set when none is named."""
    wanted = set(keys)
    chosen = [c for c in columns if c.key in wanted]
    return chosen or [c for c in columns if c.shown]


def _int_or(raw, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def _int_in(raw, allowed: Sequence[int], default: int) -> int:
    value = _int_or(raw, default)
    return value if value in allowed else default


# Cursors: the sort value and id of the row a page starts after (or before), opaque to users.


def encode_cursor(sort_value, row_id: int) -> str:
    if isinstance(sort_value, datetime):
        sort_value = sort_value.astimezone(UTC).isoformat()
    text = json.dumps([sort_value, row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort_column, id_column) -> tuple:
    """The sort value and id a page link names, each one its column can hold (or BadFilter)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort_value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return _value_of(sort_value, sort_column), _value_of(row_id, id_column)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise BadFilter("This page link is damaged: go back to the first page.") from error


def _value_of(value, column):
    """A cursor's JSON value as one `column` holds: ValueError or TypeError if it is none."""
    kind = column.type.python_type
    if kind is datetime:
        value = datetime.fromisoformat(value)
        if value.tzinfo is None:  # encode_cursor writes UTC times with their offset
            raise ValueError(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(value)
    if kind is int and not holds(column, value):
        raise ValueError(value)
    return value


# Queries


def fetch_page(
    query: sa.Select, id_column, listing: Listing, sorts: dict[str, Sort], load=()
) -> list:
    """One page of `query` (already filtered) in keyset order; rows are ORM entities."""
    sort_column = sorts[listing.sort].column
    backwards = listing.before is not None
    descending = listing.descending != backwards
    cursor = listing.before if backwards else listing.after
    if cursor is not None:
        query = query.where(beyond(sort_column, id_column, cursor, descending))
    ordering = keyset_order(sort_column, id_column, descending)
    query = query.options(*load).order_by(*ordering).limit(listing.size + 1)
    rows = list(db.session.scalars(query).unique())
    return rows[::-1] if backwards else rows


def keyset_order(sort_column, id_column, descending: bool) -> list:
    """ORDER BY the sort column, then the id: a total order, so a cursor names one place."""
    order = sa.desc if descending else sa.asc
    if sort_column is id_column:
        return [order(id_column)]
    return [order(sort_column), order(id_column)]


def beyond(sort_column, id_column, cursor: tuple, descending: bool):
    """Rows strictly after the cursor in the sort order; the first term can use the sort index."""
    sort_value, row_id = cursor
    if sort_column is id_column:
        return id_column < row_id if descending else id_column > row_id
    if descending:
        return sa.and_(
            sort_column <= sort_value,
            sa.or_(sort_column < sort_value, id_column < row_id),
        )
    return sa.and_(
        sort_column >= sort_value,
        sa.or_(sort_column > sort_value, id_column > row_id),
    )


def capped_count(query: sa.Select, cap: int | None = None) -> tuple[int, bool]:
    """How many rows `query` matches, counting no further than `cap` (True when capped)."""
    cap = cap or COUNT_CAP
    only_one = query.with_only_columns(sa.literal(1), maintain_column_froms=True)
    limited = only_one.order_by(None).limit(cap + 1).subquery()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(limited))
    return min(count, cap), count > cap


def build_page(
    query, id_column, listing: Listing, sorts: dict[str, Sort], sort_value, load=(), count=True
) -> Page:
    """The rows of the page, the cursors of its neighbours, and the capped count.

    A first page that is not full is all there is: its length is the count, no query needed.
    With `count` off, a bigger count is left as None (the list page fetches it after the rows).
    """
    rows = fetch_page(query, id_column, listing, sorts, load)
    size = listing.size
    if listing.before is not None and len(rows) <= size:
        # Back at the start (rows came in meanwhile): show a full first page instead.
        listing.before = None
        listing.page_number = 1
        rows = fetch_page(query, id_column, listing, sorts, load)
    if listing.before is not None:
        has_more_before = len(rows) > size
        rows = rows[1:] if has_more_before else rows
        has_next, has_previous = True, has_more_before
    else:
        has_next = len(rows) > size
        rows = rows[:size]
        has_previous = listing.after is not None
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    if not (has_next or has_previous):
        total, capped = len(rows), False
    else:
        total, capped = capped_count(query) if count else (None, False)
    return Page(
        rows=rows,
        count=total,
        count_capped=capped,
        next_cursor=encode_cursor(sort_value(last), last.id) if has_next and last else None,
        previous_cursor=(
            encode_cursor(sort_value(first), first.id) if has_previous and first else None
        ),
    )
