"""A request's slices and steps read and written in bulk (a request may hold 5,000 slices).

Reads are two queries; writes touch only the rows that differ: changed slices and steps are
updated by primary key in batches, new ones inserted in batches, dropped ones deleted (their
steps go with them, `ON DELETE CASCADE`).
"""

from itertools import groupby

import sqlalchemy as sa

from deftweb.models import Slice, Step, StepStatus, db

SLICE_COLUMNS = ("input_dataset", "dsid", "brief", "events", "priority", "comment")
STEP_COLUMNS = ("step_name", "ami_tag", "output_formats", "task_config")


def stored_slices(request_id: int) -> list[dict]:
    """The request's slices in order, each with `id`, its fields and `steps` (with their ids)."""
    slices = db.session.execute(
        sa.select(Slice.id, Slice.ordinal, Slice.is_hidden, Slice.cloned_from_id)
        .add_columns(*_columns(Slice, SLICE_COLUMNS))
        .where(Slice.request_id == request_id)
        .order_by(Slice.ordinal, Slice.id)
    ).all()
    steps = db.session.execute(
        sa.select(Step.id, Step.slice_id, *_columns(Step, STEP_COLUMNS))
        .join(Slice, Slice.id == Step.slice_id)
        .where(Slice.request_id == request_id)
        .order_by(Step.slice_id, Step.ordinal, Step.id)
    ).all()
    chains = {key: list(rows) for key, rows in groupby(steps, key=lambda row: row.slice_id)}
    return [_slice_dict(row, chains.get(row.id, [])) for row in slices]


def insert_slices(request_id: int, slices: list[dict], first_ordinal: int = 0) -> list[int]:
    """Insert new slices and their steps in batches; return the new slice ids in order."""
    if not slices:
        return []
    rows = [
        _slice_row(piece, first_ordinal + n) | {"request_id": request_id}
        for n, piece in enumerate(slices)
    ]
    ids = db.session.scalars(
        sa.insert(Slice).returning(Slice.id, sort_by_parameter_order=True), rows
    ).all()
    step_rows = [
        _step_row(step, ordinal) | {"slice_id": slice_id, "status": StepStatus.NOT_CHECKED}
        for slice_id, piece in zip(ids, slices, strict=True)
        for ordinal, step in enumerate(piece["steps"])
    ]
    if step_rows:
        db.session.execute(sa.insert(Step), step_rows)
    return list(ids)


def sync_slices(request_id: int, stored: list[dict], wanted: list[dict]) -> None:
    """Write `wanted` over `stored`, changing only what differs; a wanted slice with an `id`
    keeps that row."""
    by_id = {piece["id"]: piece for piece in stored}
    slice_updates, step_updates, step_inserts, step_deletes, new = [], [], [], [], []
    for ordinal, piece in enumerate(wanted):
        old = by_id.pop(piece["id"], None) if piece.get("id") else None
        if old is None:
            new.append((ordinal, piece))
            continue
        row = _slice_row(piece, ordinal)
        row["cloned_from_id"] = row["cloned_from_id"] or old["cloned_from_id"]  # kept unless named
        if any(row[key] != old[key] for key in row):
            slice_updates.append(row | {"id": old["id"]})
        _diff_steps(old, piece["steps"], step_updates, step_inserts, step_deletes)
    _write(Slice, slice_updates, deletes=list(by_id))
    _write(Step, step_updates, inserts=step_inserts, deletes=step_deletes)
    for ordinal, piece in new:
        insert_slices(request_id, [piece], ordinal)
    db.session.expire_all()  # the rows changed under the ORM's feet


def _diff_steps(old: dict, wanted: list[dict], updates, inserts, deletes) -> None:
    have = old["steps"]
    for ordinal, step in enumerate(wanted):
        row = _step_row(step, ordinal)
        if ordinal >= len(have):
            inserts.append(row | {"slice_id": old["id"], "status": StepStatus.NOT_CHECKED})
        elif any(row[key] != have[ordinal].get(key) for key in STEP_COLUMNS):
            updates.append(row | {"id": have[ordinal]["id"]})
    deletes.extend(step["id"] for step in have[len(wanted) :])


def _write(model, updates: list[dict], inserts=(), deletes=()) -> None:
    if updates:
        db.session.execute(sa.update(model), updates)
    if inserts:
        db.session.execute(sa.insert(model), list(inserts))
    if deletes:
        db.session.execute(sa.delete(model).where(model.id.in_(list(deletes))))


def _slice_row(piece: dict, ordinal: int) -> dict:
    row = {name: piece.get(name) for name in SLICE_COLUMNS}
    for name in ("input_dataset", "dsid", "brief", "comment"):
        row[name] = row[name] or ""
    return row | {"ordinal": ordinal, "cloned_from_id": piece.get("cloned_from_id") or None}


def _step_row(step: dict, ordinal: int) -> dict:
    row = {name: step.get(name) for name in STEP_COLUMNS}
    return row | {"ordinal": ordinal, "task_config": dict(row["task_config"] or {})}


def _slice_dict(row, steps) -> dict:
    piece = {name: getattr(row, name) for name in ("id", "cloned_from_id", *SLICE_COLUMNS)}
    piece |= {"ordinal": row.ordinal, "is_hidden": row.is_hidden}
    piece["steps"] = [
        {"id": s.id} | {name: getattr(s, name) for name in STEP_COLUMNS} for s in steps
    ]
    return piece


def _columns(model, names: tuple[str, ...]) -> list:
    return [getattr(model, name) for name in names]
