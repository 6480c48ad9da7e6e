"""The request form as a document: read the posted fields, apply the slice editor's operations.

Field names: request fields by name; slices as `slices-<i>-<field>`; steps as
`slices-<i>-steps-<j>-<field>`; a step's task config as JSON text. Whatever the user typed goes
back into the form as typed, so a refused form comes back filled in.

A big request shows one page of slices as fields; the slices before and after that page travel
in two hidden JSON fields, so that every operation and every save still sees the whole request.
"""

import contextlib
import json
import re

from deftweb.requests.validation import REQUEST_FIELDS, SLICE_FIELDS, STEP_FIELDS

#: Slices shown as fields at once; the others travel as JSON (a 5,000-slice form stays small).
SLICES_PER_PAGE = 100
#: A position in the form: more digits than any form of MAX_SLICES slices has is no position.
_POSITION = r"(\d{1,9})"
_SLICE_KEY = re.compile(rf"slices-{_POSITION}-(\w+)")
_STEP_KEY = re.compile(rf"slices-{_POSITION}-steps-{_POSITION}-(\w+)")


def form_document(form) -> dict:
    """The posted form as a request document (text values, task configs parsed when JSON)."""
    doc = {name: form.get(name, "") for name in REQUEST_FIELDS}
    slices: dict[int, dict] = {}
    for key in form:
        if step := _STEP_KEY.fullmatch(key):
            i, j, name = int(step[1]), int(step[2]), step[3]
            steps = slices.setdefault(i, {"steps": {}})["steps"]
            if name in STEP_FIELDS:
                steps.setdefault(j, {})[name] = _step_value(name, form.get(key, ""))
        elif piece := _SLICE_KEY.fullmatch(key):
            i, name = int(piece[1]), piece[2]
            if name in SLICE_FIELDS or name == "cloned_from_id":
                slices.setdefault(i, {"steps": {}})[name] = form.get(key, "")
    before = _json_list(form.get("slices_before", ""))
    after = _json_list(form.get("slices_after", ""))
    doc["slices"] = before + [_ordered(slices[i]) for i in sorted(slices)] + after
    doc["window_start"] = len(before)
    doc["default_steps"] = _json_list(form.get("default_steps", ""))
    return doc


def slice_window(doc: dict) -> tuple[int, list, list, list]:
    """(first shown index, slices before, shown, after) for the page of slices on show."""
    slices = doc["slices"]
    start = max(0, min(int(doc.get("window_start") or 0), len(slices) - 1))
    start -= start % SLICES_PER_PAGE
    end = start + SLICES_PER_PAGE
    return start, slices[:start], slices[start:end], slices[end:]


def _ordered(piece: dict) -> dict:
    steps = piece.pop("steps")
    piece["steps"] = [steps[j] for j in sorted(steps)]
    return piece


def _step_value(name: str, text: str):
    return parse_task_config(text) if name == "task_config" else text


def parse_task_config(text: str):
    """A task config typed as JSON; text that is not JSON is kept as typed for validation."""
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def _json_list(text: str) -> list:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def config_text(value) -> str:
    """A task config as the form shows it: compact JSON, or the text as typed."""
    if isinstance(value, str):
        return value
    return json.dumps(value or {}, separators=(", ", ": "), sort_keys=True)


# --- The slice editor's operations --------------------------------------------------------------


def apply_operation(doc: dict, operation: str) -> None:
    """Change the document in place: `add_slice`, `remove_slice:3`, `up:3`, `add_step:3`..."""
    name, _, arguments = operation.partition(":")
    numbers = [int(n) for n in arguments.split(":") if re.fullmatch(_POSITION, n)]
    action = _OPERATIONS.get(name)
    if action is not None:
        # a stale button (its row is gone) does nothing
        with contextlib.suppress(IndexError, TypeError):
            action(doc["slices"], doc, *numbers)


def _add_slice(slices: list, doc: dict) -> None:
    chain = slices[-1]["steps"] if slices and slices[-1]["steps"] else doc["default_steps"]
    slices.append(new_slice(chain))
    doc["window_start"] = len(slices) - 1  # show the new row


def new_slice(chain: list[dict]) -> dict:
    """An empty slice row with a copy of `chain` as its steps."""
    piece = {name: "" for name in SLICE_FIELDS}
    piece["steps"] = [dict(step) for step in chain]
    return piece


def _remove_slice(slices: list, doc: dict, i: int) -> None:
    del slices[i]


def _clone_slice(slices: list, doc: dict, i: int) -> None:
    copy = {**slices[i], "id": "", "steps": [dict(s) for s in slices[i]["steps"]]}
    copy["cloned_from_id"] = slices[i].get("id") or slices[i].get("cloned_from_id", "")
    slices.insert(i + 1, copy)


def _move(slices: list, i: int, j: int) -> None:
    if 0 <= i < len(slices) and 0 <= j < len(slices):
        slices[i], slices[j] = slices[j], slices[i]


def _add_step(slices: list, doc: dict, i: int) -> None:
    steps = slices[i]["steps"]
    steps.append({name: "" for name in STEP_FIELDS} | {"task_config": {}})


def _remove_step(slices: list, doc: dict, i: int, j: int) -> None:
    del slices[i]["steps"][j]


def _show_page(slices: list, doc: dict, start: int) -> None:
    doc["window_start"] = start


_OPERATIONS = {
    "window": _show_page,
    "add_slice": _add_slice,
    "remove_slice": _remove_slice,
    "clone_slice": _clone_slice,
    "up": lambda slices, doc, i: _move(slices, i, i - 1),
    "down": lambda slices, doc, i: _move(slices, i, i + 1),
    "add_step": _add_step,
    "remove_step": _remove_step,
}
