"""One validation of a filed request, for the page and the API alike.

The input is a plain document (form text or JSON values): request fields and `slices`, each with
its `steps`. The answer is the cleaned document (typed values, catalog rows looked up) and the
problems, keyed by a JSON Pointer to the bad field (`/project`, `/slices/3/steps/1/ami_tag`), so a
page can show each message beside its field and the API can return it as a problem detail.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from deftweb.models import (
    Campaign,
    Project,
    Provenance,
    RequestTemplate,
    RequestType,
    Slice,
    WorkingGroup,
    db,
)
from deftweb.services import nomenclature
from deftweb.services.nomenclature import NomenclatureError

MAX_SLICES = 5000
MAX_STEPS = 20
MAX_TASK_CONFIG_KEYS = 50
MAX_TASK_CONFIG_TEXT = 500
MAX_EVENTS = 10**10
PRIORITY_RANGE = (0, 1000)
#: Spreadsheet priority keys go down to "0+", which prodtask stores as -2.
SLICE_PRIORITY_RANGE = (-2, 1000)
TEXT_LIMITS = {
    "description": 256,
    "long_description": 20_000,
    "reference_link": 256,
    "cc": 1000,
    "brief": 150,
    "comment": 512,
    "input_dataset": 255,
    "dsid": 150,
    "output_formats": 250,
}

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

REQUEST_FIELDS = (
    "request_type",
    "working_group",
    "provenance",
    "project",
    "campaign",
    "subcampaign",
    "energy_gev",
    "description",
    "long_description",
    "reference_link",
    "cc",
    "priority",
    "template_id",
)
SLICE_FIELDS = ("id", "input_dataset", "dsid", "brief", "events", "priority", "comment")
STEP_FIELDS = ("step_name", "ami_tag", "output_formats", "task_config")

_LINK = re.compile(r"https?://\S+")
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
_CONFIG_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class Problems(dict):
    """JSON Pointer -> message; the first problem found for a field is the one kept."""

    def add(self, pointer: str, message: str) -> None:
        self.setdefault(pointer, message)

    def as_list(self) -> list[dict]:
        return [{"pointer": p, "detail": m} for p, m in self.items()]


@dataclass
class Catalog:
    """The rows a request names, looked up once per validation."""

    groups: dict[str, WorkingGroup] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Catalog":
        return cls(
            groups={g.code: g for g in db.session.scalars(sa.select(WorkingGroup))},
            projects={p.name: p for p in db.session.scalars(sa.select(Project))},
            campaigns={c.name: c for c in db.session.scalars(sa.select(Campaign))},
        )


def validate_request(doc: dict, *, request_id: int | None = None) -> tuple[dict, Problems]:
    """Check a whole request document; return (clean document, problems by pointer)."""
    problems = Problems()
    catalog = Catalog.load()
    clean = _request_fields(doc, catalog, problems)
    slices = doc.get("slices") or []
    if not isinstance(slices, list):
        problems.add("/slices", "Slices must be a list.")
        slices = []
    if len(slices) > MAX_SLICES:
        problems.add(
            "/slices", f"A request has at most {MAX_SLICES:,} slices, not {len(slices):,}."
        )
        slices = slices[:MAX_SLICES]
    own_slice_ids = _own_slice_ids(request_id)
    context = SliceContext(clean, own_slice_ids)
    clean["slices"] = [
        validate_slice(s, f"/slices/{n}", context, problems) for n, s in enumerate(slices)
    ]
    _check_clone_sources(clean["slices"], problems)
    return clean, problems


def check_submittable(clean: dict, problems: Problems) -> None:
    """What a request needs before review, beyond what a draft needs: slices, each with steps."""
    if not clean.get("slices"):
        problems.add("/slices", "Add at least one slice before submitting for review.")
    for n, piece in enumerate(clean.get("slices") or []):
        if not piece["steps"]:
            problems.add(f"/slices/{n}/steps", "Give this slice at least one step.")


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


# --- Request fields -----------------------------------------------------------------------------


def _request_fields(doc: dict, catalog: Catalog, problems: Problems) -> dict:
    clean = {
        "request_type": _choice(doc, "request_type", list(RequestType), problems),
        "provenance": _choice(doc, "provenance", list(Provenance), problems),
        "description": _text(doc, "description", "/description", problems, required=True),
        "long_description": _text(doc, "long_description", "/long_description", problems),
        "reference_link": _link(doc, problems),
        "cc": _cc(doc, problems),
        "priority": _integer(doc.get("priority"), "/priority", PRIORITY_RANGE, problems) or 0,
    }
    clean["working_group"] = _group(doc, catalog, problems)
    clean["project"] = _project(doc, catalog, clean["request_type"], problems)
    clean["energy_gev"] = _energy(doc, clean["project"], problems)
    clean["campaign"], clean["subcampaign"] = _campaign(doc, catalog, clean["project"], problems)
    clean["template"] = _template(doc, clean["working_group"], problems)
    return clean


def _choice(doc: dict, name: str, allowed: list[str], problems: Problems) -> str | None:
    value = _as_text(doc.get(name))
    if value in allowed:
        return value
    problems.add(f"/{name}", f"Choose one of {', '.join(allowed)}.")
    return None


def _group(doc: dict, catalog: Catalog, problems: Problems) -> WorkingGroup | None:
    code = _as_text(doc.get("working_group")).upper()
    group = catalog.groups.get(code)
    if group is None or not group.is_active:
        problems.add("/working_group", "Choose one of your working groups.")
        return None
    return group


def _project(doc: dict, catalog: Catalog, request_type, problems: Problems) -> Project | None:
    name = _as_text(doc.get("project"))
    if not name:
        problems.add("/project", "Choose the project, e.g. mc23_13p6TeV.")
        return None
    try:
        nomenclature.check_project(name)
    except NomenclatureError as error:
        problems.add("/project", _sentence(error))
        return None
    project = catalog.projects.get(name)
    if project is None:
        problems.add("/project", f"Project {name} is not known here; choose one from the list.")
    elif request_type == RequestType.MC and not project.is_mc:
        problems.add("/project", f"An MC request cannot be filed on the data project {name}.")
        return None
    return project


def _energy(doc: dict, project: Project | None, problems: Problems) -> int | None:
    raw = doc.get("energy_gev")
    if raw in (None, "") and project is not None:
        return nomenclature.energy_gev(project.name)  # the project names it: nothing to type
    gev = _integer(raw, "/energy_gev", (1, 10**6), problems)
    if gev is not None and project is not None:
        try:
            nomenclature.check_project_energy(project.name, gev)
        except NomenclatureError:
            named = nomenclature.energy_gev(project.name)
            problems.add("/energy_gev", f"Project {project.name} is at {named} GeV, not {gev}.")
    return gev


def _campaign(doc: dict, catalog: Catalog, project: Project | None, problems: Problems):
    name, sub_name = _as_text(doc.get("campaign")), _as_text(doc.get("subcampaign"))
    if not name:
        if sub_name:
            problems.add("/campaign", "Choose the campaign of this subcampaign.")
        return None, None
    campaign = catalog.campaigns.get(name)
    if campaign is None:
        problems.add("/campaign", f"Campaign {name} is not known; choose one from the list.")
        return None, None
    if project is not None and project not in campaign.projects:
        allowed = ", ".join(p.name for p in campaign.projects)
        problems.add("/campaign", f"Campaign {name} runs on {allowed}, not {project.name}.")
    sub = next((s for s in campaign.subcampaigns if s.name == sub_name), None)
    if sub_name and sub is None:
        allowed = ", ".join(s.name for s in campaign.subcampaigns)
        problems.add("/subcampaign", f"Campaign {name} has subcampaigns {allowed}.")
    return campaign, sub


def _template(doc: dict, group: WorkingGroup | None, problems: Problems):
    raw = doc.get("template_id")
    if raw in (None, ""):
        return None
    template_id = _integer(raw, "/template_id", (1, 2**31), problems)
    template = db.session.get(RequestTemplate, template_id) if template_id else None
    if template_id and (template is None or (group and template.working_group_id != group.id)):
        problems.add("/template_id", "This template is not one of the group's templates.")
        return None
    return template


def _link(doc: dict, problems: Problems) -> str:
    link = _text(doc, "reference_link", "/reference_link", problems)
    if link and not _LINK.fullmatch(link):
        problems.add("/reference_link", "Give an http(s) link, e.g. to the JIRA ticket.")
    return link


def _cc(doc: dict, problems: Problems) -> str:
    cc = _text(doc, "cc", "/cc", problems)
    for address in filter(None, re.split(r"[\s,;]+", cc)):
        if not _ADDRESS.fullmatch(address):
            problems.add("/cc", f"{address!r} is not an e-mail address; separate them by commas.")
    return ", ".join(filter(None, re.split(r"[\s,;]+", cc)))


# --- Slices and steps ---------------------------------------------------------------------------


def validate_slice(doc, at: str, context: SliceContext, problems: Problems) -> dict:
    """Check one slice and its step chain; problems point below `at` (e.g. /slices/4)."""
    if not isinstance(doc, dict):
        problems.add(at, "A slice must be an object of fields.")
        doc = {}
    piece = {
        "id": _slice_id(doc.get("id"), f"{at}/id", context.own_slice_ids, problems),
        "input_dataset": _text(doc, "input_dataset", f"{at}/input_dataset", problems),
        "dsid": _text(doc, "dsid", f"{at}/dsid", problems),
        "brief": _text(doc, "brief", f"{at}/brief", problems),
        "events": _integer(doc.get("events"), f"{at}/events", (1, MAX_EVENTS), problems),
        "priority": _slice_priority(doc.get("priority"), f"{at}/priority", problems),
        "comment": _text(doc, "comment", f"{at}/comment", problems),
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
    number = _integer(raw, pointer, (1, 2**62), problems)
    if allowed is not None and number is not None and number not in allowed:
        problems.add(pointer, f"Slice {number} is not a slice of this request.")
        return None
    return number


def _check_clone_sources(slices: list[dict], problems: Problems) -> None:
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
            problems.add(f"{at}/dsid", _sentence(error))
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
    name = _as_text(step.get("step_name"))
    if name not in STEP_TAG_LETTERS:
        problems.add(f"{where}/step_name", f"Choose a step: {', '.join(STEP_NAMES)}.")
    tag = _as_text(step.get("ami_tag"))
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
    text = _text(step, "output_formats", pointer, problems, required=True)
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


# --- Values -------------------------------------------------------------------------------------


def _sentence(error: Exception) -> str:
    text = str(error)
    return f"{text[:1].upper()}{text[1:]}."


def _as_text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _text(doc: dict, name: str, pointer: str, problems: Problems, required=False) -> str:
    value = doc.get(name)
    if value is not None and not isinstance(value, str):
        problems.add(pointer, "Give text here.")
        return ""
    text = (value or "").strip()
    limit = TEXT_LIMITS[name]
    if required and not text:
        problems.add(pointer, "This is required.")
    elif len(text) > limit:
        problems.add(pointer, f"At most {limit:,} characters; this has {len(text):,}.")
    return text[:limit]


def _integer(raw, pointer: str, bounds: tuple[int, int], problems: Problems) -> int | None:
    """A whole number within bounds; form text may group digits with , _ or spaces."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        problems.add(pointer, "Give a whole number.")
        return None
    text = re.sub(r"[,_\s]", "", raw) if isinstance(raw, str) else str(raw)
    if not re.fullmatch(r"-?\d{1,20}", text):
        problems.add(pointer, f"{raw!r} is not a whole number.")
        return None
    number, (low, high) = int(text), bounds
    if not low <= number <= high:
        problems.add(pointer, _range_message(low, high))
        return None
    return number


def _range_message(low: int, high: int) -> str:
    if low == 1:
        return f"Give a number above zero (at most {high:,})."
    return f"Give a number from {low:,} to {high:,}."


def _slice_priority(raw, pointer: str, problems: Problems) -> int | None:
    if isinstance(raw, str) and raw.strip() == "0+":
        return -2
    return _integer(raw, pointer, SLICE_PRIORITY_RANGE, problems)


def _own_slice_ids(request_id: int | None) -> set[int]:
    if request_id is None:
        return set()
    return set(db.session.scalars(sa.select(Slice.id).where(Slice.request_id == request_id)))
