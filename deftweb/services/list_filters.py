"""Readers for filter values typed into the tables (and the API): id ranges, times, statuses."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time

import sqlalchemy as sa

from deftweb.services.listing import BadFilter, Filter, Sort

_RANGE = re.compile(r"^\s*(\d*)\s*(?:(-|\.\.)\s*(\d*))?\s*$")
MAX_TERM = 200
MAX_CHOICE = 64


def id_range(raw: str) -> tuple[int | None, int | None]:
    """`123`, `100-200`, `100-` or `-200` (an open end is unbounded)."""
    match = _RANGE.match(raw)
    if not match or not (match.group(1) or match.group(3)):
        raise BadFilter("Write an id (123) or a range (100-200, 100-, -200).")
    low, dash, high = match.groups()
    low_id = int(low) if low else None
    high_id = int(high) if high else None
    if not dash:
        return low_id, low_id
    if low_id is not None and high_id is not None and low_id > high_id:
        raise BadFilter(f"The range starts after it ends: write {high_id}-{low_id}.")
    return low_id, high_id


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
