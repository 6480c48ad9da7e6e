"""ATLAS dataset nomenclature: parse, check and compose dataset and container names.

Rules come from the ATLAS Dataset Nomenclature note, DEFT's task definition (panda-bigmon-atlas
``deftcore``), Rucio's ATLAS schema and the names real productions wrote.
"""

import re
from dataclasses import asdict, dataclass
from functools import partial

from deftweb.datasets.rucio_groups import working_group_of
from deftweb.errors import InvalidInput

DATASET_NAME_MAX = 255  # DEFT's limit for an output dataset name, suffixes included
#: Task IDs in names stay below this (twelve digits), parsed or composed.
TID_LIMIT = 10**12
RUCIO_NAME_MAX = 251  # Rucio's ATLAS name pattern: one leading character and up to 250 more

ENERGY_LABELS = {
    13600: "13p6TeV",
    13000: "13TeV",
    14000: "14TeV",
    8000: "8TeV",
    8160: "pPb8TeV",
    7000: "7TeV",
    5020: "5TeV",
    2760: "2p76TeV",
    900: "900GeV",
}
_ENERGY_GEV = {label: gev for gev, label in ENERGY_LABELS.items()}
_NO_ENERGY = {"mc": ("valid",), "data": ("hi", "hip", "cos", "comm", "1beam", "calib")}

PROD_STEPS = ("evgen", "simul", "merge", "digit", "recon", "deriv", "daq", "reco")
PHYSICS_CONTAINER_STEP = "PhysCont"

# Processing order of AMI tag letters. Letters of equal rank may follow each other freely:
# Tier-0 alternates calibration and merge tags (c1278_m2023_c1303_m2042).
TAG_ORDER = {"e": 0, "s": 1, "a": 1, "d": 2, "r": 3, "f": 3, "m": 3, "c": 3, "t": 4, "p": 5}
_TAG_LETTERS = {"mc": "esadrtp", "data": "fmcrtp", "physcont": "fmcrtp"}
_ORDER_TEXT = "e, s/a, d, r/f/m/c, t, p"

_WORD = re.compile(r"[A-Za-z0-9_]+")
_RUCIO_FIELD = re.compile(r"[A-Za-z0-9_\-]*")
_SCOPE = re.compile(r"[a-zA-Z_\-.0-9]{1,25}")
_OWNER = re.compile(r"[a-z0-9_\-]{1,25}")
_PROJECT = re.compile(r"(mc|data)[0-9]{2}_([A-Za-z0-9]+)")
_DSID = re.compile(r"[0-9]{6,8}")
_RUN = re.compile(r"[0-9]{8}")
_PERIOD = re.compile(r"period[A-Za-z0-9]+")
_DATA_TYPE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Za-z0-9]+)*|log")
_TAG = re.compile(r"[a-z][0-9]+")
_CONTAINER_VERSION = re.compile(r"([a-z][a-z0-9]*[0-9]{2}_v[0-9]+)(?:_(.*))?")
_FREE_PREFIX = re.compile(r"(user|group)([0-9]{2})?")
_SUFFIX = re.compile(r"(?:_tid([0-9]+)_[0-9]{2})?(?:_sub([0-9]+))?\Z")

_FIELDS = ("project", "number", "physics_short", "prod_step", "data_type", "version")
_NAME_POSITIONS = {field: position for position, field in enumerate(_FIELDS, 1)}
_TASK_POSITIONS = {field: position for position, field in enumerate(_FIELDS[:4] + _FIELDS[5:], 1)}
_NUMBER_LABEL = {"mc": "dataset number", "data": "run number", "physcont": "period"}
_SHORT_LABEL = {"mc": "physics short", "data": "stream", "physcont": "stream"}


class NomenclatureError(InvalidInput, ValueError):
    """A name or field that breaks the nomenclature; `field` and `position` (the dot-separated
    field's number in the name, 1 = first) say where."""

    def __init__(self, message: str, field: str = "name", position: int | None = None):
        super().__init__(message, f"/{field}", details={"position": position})
        self.position = position


@dataclass(frozen=True)
class DatasetName:
    """A parsed dataset or container name; str() gives back the name exactly as written."""

    text: str
    kind: str  #: mc, data, physcont, user or group
    scope: str
    project: str
    number: str  #: DSID, zero-padded run number or period: text, so leading zeros survive
    physics_short: str  #: physics short name, or the stream of real data
    prod_step: str
    data_type: str
    tags: tuple[str, ...]
    tid: int | None = None
    sub: str = ""  #: PanDA sub-dataset number of a _sub suffix
    is_container: bool = True
    container_version: str = ""  #: grp16_v01 and the like, in a physics container's version
    owner: str = ""  #: nickname or group of a user./group. name
    extra: tuple[str, ...] = ()  #: fields of a user./group. name with no official meaning

    def __str__(self) -> str:
        return self.text

    @property
    def owner_group(self) -> str | None:
        """The working-group code behind a `group.<rucio group>.` name's owner, or None."""
        return working_group_of(self.owner) if self.kind == "group" else None

    @property
    def version(self) -> str:
        return "_".join(filter(None, (self.container_version, *self.tags)))

    @property
    def container_name(self) -> str:
        """The container this belongs to: the name without scope, suffixes or trailing '/'."""
        name = self.text.split(":", 1)[-1].removesuffix("/")
        return name[: _SUFFIX.search(name).start()]

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) pairs in name order for display, empty ones left out."""
        rows = [
            ("Kind", self.kind),
            ("Scope", self.scope),
            ("Owner", self.owner),
            ("Project", self.project),
            (_NUMBER_LABEL.get(self.kind, "dataset number").capitalize(), self.number),
            (_SHORT_LABEL.get(self.kind, "physics short").capitalize(), self.physics_short),
            ("Production step", self.prod_step),
            ("Data type", self.data_type),
            ("Container version", self.container_version),
            ("AMI tags", "_".join(self.tags)),
            ("Other fields", ".".join(self.extra)),
            ("Task ID", "" if self.tid is None else str(self.tid)),
            ("Sub-dataset", self.sub),
            ("Container", "yes" if self.is_container else "no"),
        ]
        return [(label, value) for label, value in rows if value]

    def as_dict(self) -> dict:
        """JSON-ready dict: every field, plus the name, its container and its energy."""
        data = asdict(self)
        data.update(name=data.pop("text"), tags=list(self.tags), extra=list(self.extra))
        data.update(container_name=self.container_name, version=self.version)
        data["energy_gev"] = energy_gev(self.project) if self.project else None
        return data


def parse(name: object) -> DatasetName:
    """Split a dataset or container name into its fields; NomenclatureError says which is wrong."""
    text = _text(name, "name", "name")
    scope, body = text.split(":", 1) if ":" in text else (None, text)
    slash = body.endswith("/")
    body = body.removesuffix("/")
    _check_length(body)
    suffix = _SUFFIX.search(body)
    tid = None if suffix.group(1) is None else _suffix_tid(suffix.group(1))
    sub = suffix.group(2) or ""
    if slash and suffix.group():
        raise NomenclatureError("a _tid or _sub dataset cannot end with the container mark '/'")
    parts = body[: suffix.start()].split(".")
    prefix = _FREE_PREFIX.fullmatch(parts[0])
    found = _free_fields(parts, *prefix.groups()) if prefix else _official_fields(parts)
    if scope is not None and check_scope(scope) != found["scope"]:
        raise _wrong("scope", "scope", scope, f"must be {found['scope']!r}, the name's own scope")
    if found["kind"] == "physcont" and suffix.group():
        raise NomenclatureError("a physics container carries no _tid or _sub suffix", "tid")
    return DatasetName(text=text, tid=tid, sub=sub, is_container=not suffix.group(), **found)


def compose(
    project, number, physics_short, prod_step, data_type, tags, tid=None, scope=None
) -> str:
    """Build an official dataset name from its fields and check it by parsing it back."""
    parts = [project, _number_text(project, number), physics_short, prod_step, data_type]
    version = _version_text(tags)
    parts += [version] if version else []  # only raw data goes without a version
    _check_official(dict(zip(_NAME_POSITIONS, parts, strict=False)), _NAME_POSITIONS)
    prefix = "" if scope is None else _text(scope, "scope", "scope") + ":"
    name = prefix + ".".join(parts) + ("" if tid is None else _tid_suffix(tid))
    parse(name)
    return name


def task_name(project, number, brief, prod_step, tags) -> str:
    """Build a task name, project.number.brief.prod_step.version, checking every field."""
    parts = [project, _number_text(project, number), brief, prod_step, _version_text(tags)]
    _check_official(dict(zip(_TASK_POSITIONS, parts, strict=True)), _TASK_POSITIONS)
    return ".".join(parts)


def output_dataset_name(task_name: str, data_type: str, task_id: int) -> str:
    """Name of a task's output: project.number.brief.prod_step.data_type.version_tid%08d_00."""
    parts = _text(task_name, "task_name", "task name").split(".")
    if len(parts) != len(_TASK_POSITIONS):
        raise NomenclatureError(
            f"task name has {len(parts)} dot-separated fields, not 5: "
            "project.number.brief.prod_step.version",
            "task_name",
        )
    _check_official(dict(zip(_TASK_POSITIONS, parts, strict=True)), _TASK_POSITIONS)
    project, number, brief, prod_step, version = parts
    _tid_suffix(task_id)  # unlike compose(), an output always carries its task's ID
    return compose(project, number, brief, prod_step, data_type, version, tid=task_id)


def energy_gev(project: str) -> int | None:
    """Centre-of-mass energy in GeV a project names, or None (valid, hi, cos... projects)."""
    return _ENERGY_GEV.get(check_project(project).split("_", 1)[1])


def check_project_energy(project: str, gev: int) -> str:
    """Refuse a project whose energy part disagrees with a request's energy in GeV."""
    named = energy_gev(project)
    if named is not None and named != gev:
        raise _wrong("project", "project", project, f"is for {named} GeV, not the energy asked")
    return project


def check_project(text: str, *, position: int | None = None) -> str:
    """Check a project such as mc23_13p6TeV, data18_13TeV or mc16_valid."""
    project = _word(text, "project", "project", position)
    match = _PROJECT.fullmatch(project)
    if not match:
        problem = "must be mcNN_<energy> or dataNN_<energy>, e.g. mc23_13p6TeV"
        raise _wrong("project", "project", project, problem, position)
    family, ending = match.groups()
    if ending not in _ENERGY_GEV and ending not in _NO_ENERGY[family]:
        problem = (
            f"ends in {ending!r}, which is neither a known energy "
            f"({', '.join(_ENERGY_GEV)}) nor one of {', '.join(_NO_ENERGY[family])}"
        )
        raise _wrong("project", "project", project, problem, position)
    return project


def check_dsid(text: str, *, position: int | None = None) -> str:
    """Check an MC dataset number (DSID): 6 to 8 digits."""
    return _pattern(text, _DSID, "number", "dataset number", "must be 6 to 8 digits", position)


def check_run_number(text: str, *, position: int | None = None) -> str:
    """Check a real-data run number: 8 digits, zero-padded."""
    problem = "must be the 8-digit zero-padded run number, e.g. 00212993"
    return _pattern(text, _RUN, "number", "run number", problem, position)


def check_period(text: str, *, position: int | None = None) -> str:
    """Check the period of a physics container, e.g. periodA or periodAllYear."""
    problem = "must be 'period' and a name of letters or digits, e.g. periodA"
    return _pattern(text, _PERIOD, "number", "period", problem, position)


def check_physics_short(
    text: str, *, position: int | None = None, label: str = "physics short"
) -> str:
    """Check a physics short name or stream: letters, digits and _."""
    return _word(text, "physics_short", label, position)


def check_prod_step(text: str, *, position: int | None = None) -> str:
    """Check a production step such as evgen, recon or deriv."""
    step = _word(text, "prod_step", "prod step", position)
    if step not in PROD_STEPS:
        problem = f"is not a production step; expected one of {', '.join(PROD_STEPS)}"
        raise _wrong("prod_step", "prod step", step, problem, position)
    return step


def check_data_type(text: str, *, position: int | None = None) -> str:
    """Check a data type such as AOD, DAOD_PHYS, NTUP_TOP or log."""
    problem = "must be upper case with _-separated parts, like AOD or DAOD_PHYS, or log"
    return _pattern(text, _DATA_TYPE, "data_type", "data type", problem, position)


def is_ami_tag(text: object) -> bool:
    """True for one AMI tag: a known letter followed by digits, e.g. r14622."""
    return isinstance(text, str) and bool(_TAG.fullmatch(text)) and text[0] in TAG_ORDER


def check_ami_tag(text: str) -> str:
    """Check one AMI tag such as e8514."""
    tag = _text(text, "tags", "AMI tag")
    if not is_ami_tag(tag):
        problem = f"is not an AMI tag: one of the letters {'/'.join(TAG_ORDER)} and digits"
        raise _wrong("tags", "AMI tag", tag, problem)
    return tag


def parse_ami_tags(
    version: str, *, kind: str | None = None, position: int | None = None
) -> tuple[str, ...]:
    """Split a version such as e8514_s4162_r14622 into AMI tags, checking letters and order."""
    version = _word(version, "tags", "version", position)
    tags = tuple(version.split("_"))
    letters = _TAG_LETTERS.get(kind, "".join(TAG_ORDER))
    for earlier, tag in zip((None, *tags), tags, strict=False):
        if not is_ami_tag(tag):
            problem = f"has {tag!r}, which is not an AMI tag (a letter and digits, e.g. r14622)"
        elif tag[0] not in letters:
            problem = f"has tag {tag!r}, but {kind} names use only {'/'.join(letters)} tags"
        elif earlier and TAG_ORDER[tag[0]] < TAG_ORDER[earlier[0]]:
            problem = f"has tag {tag!r} after {earlier!r}; AMI tags go in order {_ORDER_TEXT}"
        else:
            continue
        raise _wrong("tags", "version", version, problem, position)
    return tags


def check_scope(text: str) -> str:
    """Check a Rucio scope: 1 to 25 letters, digits, '_', '-' or '.'."""
    scope = _text(text, "scope", "scope")
    if not _SCOPE.fullmatch(scope):
        raise _wrong("scope", "scope", scope, "must be 1 to 25 letters, digits, _, - or .")
    return scope


def _official_fields(parts: list[str]) -> dict:
    if len(parts) not in (5, 6):
        raise NomenclatureError(
            f"name has {len(parts)} dot-separated fields; an official name has 6: "
            "project.number.physics_short.prod_step.data_type.version"
        )
    return _check_official(dict(zip(_NAME_POSITIONS, parts, strict=False)), _NAME_POSITIONS)


def _check_official(values: dict, where: dict) -> dict:
    """Check the fields of an official name or task name; `where` maps field to position."""
    project = check_project(values["project"], position=where["project"])
    kind = _official_kind(project, values["prod_step"], where["prod_step"])
    checks = {
        "number": {"mc": check_dsid, "data": check_run_number, "physcont": check_period}[kind],
        "physics_short": partial(check_physics_short, label=_SHORT_LABEL[kind]),
        "prod_step": check_prod_step if kind != "physcont" else _checked_already,
        "data_type": check_data_type,
    }
    found = {
        field: check(values[field], position=where[field])
        for field, check in checks.items()
        if field in values
    }
    found |= {"kind": kind, "scope": project, "project": project}
    if "version" not in values and kind != "data":
        message = f"field {where['version']} (version) is missing; only raw real data has none"
        raise NomenclatureError(message, "version", where["version"])
    return found | _version_fields(values.get("version"), kind, where["version"])


def _checked_already(text: str, *, position: int | None = None) -> str:
    return text


def _official_kind(project: str, prod_step: object, position: int) -> str:
    family = "mc" if project.startswith("mc") else "data"
    if prod_step != PHYSICS_CONTAINER_STEP:
        return family
    if family == "mc":
        problem = "marks a physics container, which holds real data only"
        raise _wrong("prod_step", "prod step", prod_step, problem, position)
    return "physcont"


def _version_fields(version: str | None, kind: str, position: int) -> dict:
    if version is None:
        return {"tags": (), "container_version": ""}
    if kind != "physcont":
        return {"tags": parse_ami_tags(version, kind=kind, position=position)}
    version = _word(version, "version", "version", position)
    match = _CONTAINER_VERSION.fullmatch(version)
    if not match:
        problem = "must start with a container version such as grp16_v01"
        raise _wrong("version", "version", version, problem, position)
    container_version, tags = match.groups()
    tags = () if tags is None else parse_ami_tags(tags, kind=kind, position=position)
    return {"tags": tags, "container_version": container_version}


def _free_fields(parts: list[str], kind: str, year: str | None) -> dict:
    """Fields of a user./group. name: the owner, then what official fields can be recognised."""
    for position, part in enumerate(parts[1:], 2):
        if not _RUCIO_FIELD.fullmatch(part):
            problem = "has a character outside letters, digits, - and _"
            raise _wrong("extra", "free-form", part, problem, position)
    if len(parts) < 3:
        owner = "nickname" if kind == "user" else "group"
        raise NomenclatureError(f"{kind} names need at least {kind}.<{owner}>.<name>")
    owner = parts[1]
    if not (_OWNER.fullmatch(owner) or (year and owner)):
        problem = "must be a Rucio account or group: 1 to 25 lower-case letters, digits, - or _"
        raise _wrong("owner", "owner", owner, problem, 2)
    scope = check_scope(f"{parts[0]}.{owner}")
    return {"kind": kind, "scope": scope, "owner": owner} | _recognise(parts[2:])


def _recognise(rest: list[str]) -> dict:
    """Pick a project, number, names and AMI tags out of the free-form part of a name."""
    found = {"project": "", "number": "", "physics_short": "", "prod_step": "", "data_type": ""}
    if not _is_project(rest[0]):
        return found | {"tags": (), "extra": tuple(rest)}
    start = 2 if len(rest) > 1 and _DSID.fullmatch(rest[1]) else 1
    end = next((i for i in range(start, len(rest)) if _looks_like_tags(rest[i])), len(rest))
    names, tags = rest[start:end], tuple(rest[end].split("_")) if end < len(rest) else ()
    if len(names) == 2 or (len(names) == 1 and not _DATA_TYPE.fullmatch(names[0])):
        found["physics_short"], names = names[0], names[1:]
    if len(names) == 1:
        found["data_type"], names = names[0], []
    found.update(project=rest[0], number=rest[1] if start == 2 else "", tags=tags)
    return found | {"extra": (*names, *rest[end + 1 :])}


def _is_project(text: str) -> bool:
    try:
        check_project(text)
    except NomenclatureError:
        return False
    return True


def _looks_like_tags(text: str) -> bool:
    # User names carry private tags (n0145) too, so only the first letter must be AMI's.
    return text[:1] in TAG_ORDER and all(_TAG.fullmatch(tag) for tag in text.split("_"))


def _check_length(name: str) -> None:
    if not name:
        raise NomenclatureError("name is empty")
    limits = (
        (DATASET_NAME_MAX, "DEFT's limit for a dataset name, suffixes included"),
        (RUCIO_NAME_MAX, "Rucio's limit for a name"),
    )
    for limit, rule in limits:
        if len(name) > limit:
            message = f"name is {len(name)} characters long, over {rule} ({limit})"
            raise NomenclatureError(message)


def _number_text(project: object, number: object) -> object:
    # Forms hand numbers over as int; a run number needs its zero padding back.
    if type(number) is not int or not 0 <= number < 10**9:
        return number
    return f"{number:08d}" if str(project).startswith("data") else str(number)


def _version_text(tags: object) -> str:
    if isinstance(tags, str):
        return tags
    items = list(tags) if isinstance(tags, list | tuple) else None
    if items is None or not all(isinstance(tag, str) for tag in items):
        raise NomenclatureError("AMI tags must be text or a list of text", "tags")
    return "_".join(items)


def _tid_suffix(tid: object) -> str:
    if type(tid) is not int or not 0 < tid < TID_LIMIT:
        raise NomenclatureError(f"task ID must be a whole number from 1 to {TID_LIMIT - 1}", "tid")
    return f"_tid{tid:08d}_00"


def _suffix_tid(digits: str) -> int:
    """The task ID of a name's `_tid` suffix, held to what a composed name may carry."""
    tid = int(digits)  # the name's length check keeps it short
    _tid_suffix(tid)
    return tid


def _pattern(text, pattern, field, label, problem, position) -> str:
    value = _word(text, field, label, position)
    if not pattern.fullmatch(value):
        raise _wrong(field, label, value, problem, position)
    return value


def _word(value: object, field: str, label: str, position: int | None) -> str:
    text = _text(value, field, label)
    if not text:
        raise NomenclatureError(f"{_where(label, position)} is empty", field, position)
    if not _WORD.fullmatch(text):
        problem = "has a character outside letters, digits and _"
        raise _wrong(field, label, text, problem, position)
    return text


def _text(value: object, field: str, label: str) -> str:
    if not isinstance(value, str):
        raise NomenclatureError(f"{label} must be text, not {type(value).__name__}", field)
    return value


def _wrong(field, label, value, problem, position=None) -> NomenclatureError:
    shown = repr(value if len(value) <= 60 else value[:57] + "...")
    return NomenclatureError(f"{_where(label, position)} {shown} {problem}", field, position)


def _where(label: str, position: int | None) -> str:
    return f"field {position} ({label})" if position else label
