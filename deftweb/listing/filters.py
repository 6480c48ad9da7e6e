"""Readers for filter values typed into the tables (and the API): id ranges, times, statuses."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time

import sqlalchemy as sa

from deftweb.listing.table import BadFilter, Filter, Sort
from deftweb.models.base import integer_range

_RANGE = re.compile(r"^\s*(\d*)\s*(?:(-|\.\.)\s*(\d*))?\s*$")
MAX_TERM = 200
MAX_CHOICE = 64


def id_filter(key: str, label: str, column, hint: str) -> Filter:
    """A filter by an id or a range of ids of `column`, which says how big an id may be."""
    return Filter(key, label, id_range(column), lambda bounds: in_range(column, bounds), hint)


def id_range(column):
    """A reader of `123`, `100-200`, `100-` or `-200` (an open end is unbounded) as ids that
    `column` can hold: a bigger one is a message, not a number the database refuses."""
    highest = integer_range(column)[1]

    def parse(raw: str) -> tuple[int | None, int | None]:
        match = _RANGE.match(raw)
        if not match or not (match.group(1) or match.group(3)):
            raise BadFilter("Write an id (123) or a range (100-200, 100-, -200).")
        low, dash, high = match.groups()
        low_id, high_id = _id_at_most(low, highest), _id_at_most(high, highest)
        if not dash:
            return low_id, low_id
        if low_id is not None and high_id is not None and low_id > high_id:
            raise BadFilter(f"The range starts after it ends: write {high_id}-{low_id}.")
        return low_id, high_id

    return parse


def _id_at_most(digits: str, highest: int) -> int | None:
    if not digits:
        return None
    if len(digits.lstrip("0")) > len(str(highest)) or int(digits) > highest:
        raise BadFilter(f"Ids here go up to {highest}: write a smaller one.")
    return int(digits)


def in_range(column, bounds: tuple[int | None, int | None]) -> sa.ColumnElement[bool]:
    low, high = bounds
    if low is not None and low == high:
        return column == low
    parts = []
    if low is not None:
        parts.append(column >= low)
    if high is not None:
        parts.append(column <= high)
    return sa.and_(*parts)


def term(raw: str) -> str:
    if len(raw) > MAX_TERM:
        raise BadFilter(f"Search for at most {MAX_TERM} characters.")
    return raw


def word(raw: str) -> str:
    """A single value such as a project, tag or user name."""
    if len(raw) > MAX_CHOICE:
        raise BadFilter(f"This value is longer than any known one ({MAX_CHOICE} characters).")
    return raw


def one_of(allowed: Sequence[str]):
    """A parser accepting only `allowed` values (case as given)."""

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise BadFilter(f"Unknown value {raw!r}: choose one of {', '.join(allowed)}.")
        return raw

    return parse


def statuses(statuses_known: Sequence[str], groups: dict[str, Sequence[str]]):
    """A parser for repeated `status` values, where a group name stands for its statuses."""

    def parse(raw: list[str]) -> list[str]:
        chosen: list[str] = []
        for value in raw:
            if value in groups:
                chosen.extend(groups[value])
            elif value in statuses_known:
                chosen.append(value)
            else:
                names = ", ".join([*groups, *statuses_known])
                raise BadFilter(f"Unknown status {value!r}: choose among {names}.")
        return sorted(set(chosen))

    return parse


def moment(raw: str) -> datetime:
    """A date (2026-11-01) or a date and time (2026-11-01T12:30), read as UTC."""
    try:
        value = datetime.fromisoformat(raw.replace(" ", "T"))
    except ValueError as error:
        raise BadFilter("Write a date as 2026-11-01 or 2026-11-01T12:30 (UTC).") from error
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def day_end(raw: str) -> datetime:
    """Like `moment`, but a bare date means the end of that day (an inclusive upper bound)."""
    value = moment(raw)
    if "T" not in raw and " " not in raw.strip():
        value = datetime.combine(value.date(), time.max, tzinfo=UTC)
    return value


def dotted_member(column, value: str) -> sa.ColumnElement[bool]:
    """`column` (dot-separated formats, e.g. DAOD_PHYS.DAOD_PHYSLITE) lists `value`."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(
        column == value,
        column.like(f"{escaped}.%", escape="\\"),
        column.like(f"%.{escaped}", escape="\\"),
        column.like(f"%.{escaped}.%", escape="\\"),
    )


def updated_window(column) -> tuple[Filter, Filter]:
    """The updated-time window every table offers: from a moment, until the end of a day."""
    return (
        Filter("updated_from", "Updated from", moment, lambda v: column >= v, "2026-11-01"),
        Filter("updated_to", "Updated until", day_end, lambda v: column <= v, "2026-11-30"),
    )


def id_and_update_sorts(id_column, updated_column, id_label: str) -> dict[str, Sort]:
    """The sorts every table offers: by id, and by last update (both indexed)."""
    return {
        "id": Sort("id", id_column, id_label),
        "updated_at": Sort("updated_at", updated_column, "Last update"),
    }
