"""Slice and step-chain checks: input dataset or DSID, events, the chain's names, tags and order."""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from deftweb.datasets import nomenclature
from deftweb.datasets.nomenclature import NomenclatureError
from deftweb.field_checks import Problems, as_text, sentence, text_field, whole_number
from deftweb.models import RequestType, Slice, db
from deftweb.models.base import integer_range

MAX_STEPS = 20


MAX_TASK_CONFIG_KEYS = 50


MAX_TASK_CONFIG_TEXT = 500


#: As many as the slice's events column holds.
MAX_EVENTS = integer_range(Slice.events)[1]


#: Spreadsheet priority keys go down to "0+", which prodtask stores as -2.
SLICE_PRIORITY_RANGE = (-2, 1000)


#: The MC and processing step names of prodtask, with the AMI tag letters each may carry.
STEP_TAG_LETTERS = {
    "Evgen": "e",
    "Evgen Merge": "e",
    "Simul": "s",
    "Merge": "s",
    "Atlfast": "a",
    "Atlf Merge": "a",
    "Digi": "dr",
    "Reco": "rf",
    "Rec Merge": "rm",
    "TAG": "t",
    "Deriv": "p",
    "Deriv Merge": "p",
}


STEP_NAMES = tuple(STEP_TAG_LETTERS)


SLICE_FIELDS = ("id", "input_dataset", "dsid", "brief", "events", "priority", "comment")


STEP_FIELDS = ("step_name", "ami_tag", "output_formats", "task_config")


_CONFIG_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


@dataclass
class SliceContext:
    request: dict
    own_slice_ids: set[int]

    @property
    def is_mc(self) -> bool:
        return self.request.get("request_type") == RequestType.MC

    @property
    def tag_kind(self) -> str | None:
        project = self.request.get("project")
        return ("mc" if project.is_mc else "data") if project else None


def validate_slice(doc, at: str, context: SliceContext, problems: Problems) -> dict:
    """Check one slice and its step chain; problems point below `at` (e.g. /slices/4)."""
    if not isinstance(doc, dict):
        problems.add(at, "A slice must be an object of fields.")
        doc = {}
    piece = {
        "id": _slice_id(doc.get("id"), f"{at}/id", context.own_slice_ids, problems),
        "input_dataset": text_field(doc, "input_dataset", f"{at}/input_dataset", problems),
        "dsid": text_field(doc, "dsid", f"{at}/dsid", problems),
        "brief": text_field(doc, "brief", f"{at}/brief", problems),
        "events": whole_number(doc.get("events"), f"{at}/events", (1, MAX_EVENTS), problems),
        "priority": _slice_priority(doc.get("priority"), f"{at}/priority", problems),
        "comment": text_field(doc, "comment", f"{at}/comment", problems),
        "cloned_from_id": _slice_id(
            doc.get("cloned_from_id"), f"{at}/cloned_from_id", None, problems
        ),
    }
    input_tags = _input(piece, at, context, problems)
    steps = doc.get("steps") or []
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        problems.add(f"{at}/steps", f"A slice has a list of at most {MAX_STEPS} steps.")
        steps = []
    piece["steps"] = _steps(steps, at, input_tags, context, problems)
    return piece


def _slice_id(raw, pointer: str, allowed: set[int] | None, problems: Problems) -> int | None:
    if raw in (None, ""):
        return None
    number = whole_number(raw, pointer, (1, integer_range(Slice.id)[1]), problems)
    if allowed is not None and number is not None and number not in allowed:
        problems.add(pointer, f"Slice {number} is not a slice of this request.")
        return None
    return number


def check_clone_sources(slices: list[dict], problems: Problems) -> None:
    """A slice may name the slice it was cloned from only if that slice exists."""
    wanted = {s["cloned_from_id"] for s in slices if s["cloned_from_id"]}
    if not wanted:
        return
    found = set(db.session.scalars(sa.select(Slice.id).where(Slice.id.in_(wanted))))
    for n, piece in enumerate(slices):
        if piece["cloned_from_id"] and piece["cloned_from_id"] not in found:
            problems.add(f"/slices/{n}/cloned_from_id", "No such slice to have been cloned from.")
            piece["cloned_from_id"] = None


def _input(piece: dict, at: str, context: SliceContext, problems: Problems) -> tuple:
    """Check the input dataset or DSID; return the AMI tags the input already carries."""
    dataset, dsid = piece["input_dataset"], piece["dsid"]
    tags: tuple = ()
    if dataset:
        try:
            name = nomenclature.parse(dataset)
            tags = name.tags
            piece["brief"] = piece["brief"] or name.physics_short
        except NomenclatureError as error:
            problems.add(f"{at}/input_dataset", f"Not a dataset name: {error}.")
    elif not context.is_mc:
        problems.add(f"{at}/input_dataset", "Give the input dataset name.")
    elif dsid:
        try:
            nomenclature.check_dsid(dsid)
        except NomenclatureError as error:
            problems.add(f"{at}/dsid", sentence(error))
        if not piece["brief"]:
            problems.add(f"{at}/brief", "Give the physics short name (job options) of this DSID.")
        elif not re.fullmatch(r"\w+", piece["brief"]):
            problems.add(f"{at}/brief", "Use only letters, digits and _ in the brief.")
    else:
        problems.add(f"{at}/dsid", "Give a DSID, or an input dataset name.")
    if context.is_mc and dsid and not dataset and piece["events"] is None:
        problems.add(f"{at}/events", "Give how many events to generate (above zero).")
    return tags


def validate_chain(steps, request: dict, problems: Problems, at: str = "") -> list[dict]:
    """Check a step chain on its own (a template's); `request` is a clean request document."""
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        problems.add(f"{at}/steps", f"A chain is a list of at most {MAX_STEPS} steps.")
        return []
    return _steps(steps, at, (), SliceContext(request, set()), problems)


def _steps(steps: list, at: str, input_tags: tuple, context, problems: Problems) -> list[dict]:
    clean, tags = [], list(input_tags)
    for n, step in enumerate(steps):
        where = f"{at}/steps/{n}"
        if not isinstance(step, dict):
            problems.add(where, "A step must be an object of fields.")
            continue
        clean.append(_step(step, where, tags, context, problems))
    return clean


def _step(step: dict, where: str, tags: list, context, problems: Problems) -> dict:
    name = as_text(step.get("step_name"))
    if name not in STEP_TAG_LETTERS:
        problems.add(f"{where}/step_name", f"Choose a step: {', '.join(STEP_NAMES)}.")
    tag = as_text(step.get("ami_tag"))
    if not nomenclature.is_ami_tag(tag):
        problems.add(f"{where}/ami_tag", "Give an AMI tag: a letter and digits, e.g. r14622.")
    elif name in STEP_TAG_LETTERS and tag[0] not in STEP_TAG_LETTERS[name]:
        letters = " or ".join(STEP_TAG_LETTERS[name])
        problems.add(f"{where}/ami_tag", f"A {name} step takes a {letters} tag, not {tag}.")
    else:
        _check_order(tags + [tag], context.tag_kind, f"{where}/ami_tag", problems)
        tags.append(tag)
    return {
        "step_name": name,
        "ami_tag": tag,
        "output_formats": _formats(step, f"{where}/output_formats", problems),
        "task_config": _task_config(step.get("task_config"), f"{where}/task_config", problems),
    }


def _check_order(tags: list[str], kind: str | None, pointer: str, problems: Problems) -> None:
    try:
        nomenclature.parse_ami_tags("_".join(tags), kind=kind)
    except NomenclatureError as error:
        message = str(error).split(" has ", 1)[-1]
        problems.add(pointer, f"Out of order: the chain {message}.")


def _formats(step: dict, pointer: str, problems: Problems) -> str:
    text = text_field(step, "output_formats", pointer, problems, required=True)
    for data_type in filter(None, text.split(".")):
        try:
            nomenclature.check_data_type(data_type)
        except NomenclatureError:
            problems.add(pointer, f"{data_type!r} is not a data type like AOD or DAOD_PHYS.")
    return text


def _task_config(raw, pointer: str, problems: Problems) -> dict:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_TASK_CONFIG_KEYS:
        problems.add(pointer, f"Task config is an object of at most {MAX_TASK_CONFIG_KEYS} keys.")
        return {}
    for key, value in raw.items():
        scalar = isinstance(value, str | int | float | bool) or value is None
        if not _CONFIG_KEY.fullmatch(str(key)) or not scalar:
            problems.add(pointer, f"{key!r}: keys are names, values are text or numbers.")
        elif isinstance(value, str) and len(value) > MAX_TASK_CONFIG_TEXT:
            problems.add(pointer, f"{key!r}: at most {MAX_TASK_CONFIG_TEXT} characters.")
    return dict(raw)


def _slice_priority(raw, pointer: str, problems: Problems) -> int | None:
    if isinstance(raw, str) and raw.strip() == "0+":
        return -2
    return whole_number(raw, pointer, SLICE_PRIORITY_RANGE, problems)


def own_slice_ids(request_id: int | None) -> set[int]:
    if request_id is None:
        return set()
    return set(db.session.scalars(sa.select(Slice.id).where(Slice.request_id == request_id)))
