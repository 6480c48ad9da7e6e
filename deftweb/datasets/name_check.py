"""The name check: each pasted line as its fields, or as its dot-separated parts with the wrong one
marked, and whether the registry already holds it."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from deftweb.datasets.nomenclature import DatasetName, NomenclatureError, parse
from deftweb.datasets.registry import registry_name
from deftweb.models import Dataset, db

#: Lines checked at once; the page says when a paste holds more.
MAX_CHECKED_LINES = 500
OFFICIAL_PARTS = ("project", "number", "physics short", "prod step", "data type", "version")
FREE_PARTS = ("prefix", "owner")


@dataclass(frozen=True)
class Part:
    """One dot-separated part of a name that did not parse; `wrong` marks the culprit."""

    label: str
    value: str
    wrong: bool = False


@dataclass
class NameCheck:
    number: int  #: line number in the pasted text
    text: str
    name: DatasetName | None = None
    error: NomenclatureError | None = None
    parts: list[Part] = field(default_factory=list)
    registered: Dataset | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_names(text: str) -> tuple[list[NameCheck], int]:
    """A check per non-empty line (at most MAX_CHECKED_LINES) and how many lines were left out."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    checks = [check_name(line, number) for number, line in lines[:MAX_CHECKED_LINES]]
    _attach_registered(checks)
    return checks, max(0, len(lines) - MAX_CHECKED_LINES)


def check_name(text: str, number: int = 1) -> NameCheck:
    try:
        return NameCheck(number, text, name=parse(text))
    except NomenclatureError as error:
        return NameCheck(number, text, error=error, parts=parts_of(text, error))


def parts_of(text: str, error: NomenclatureError) -> list[Part]:
    """The parts of a refused name, labelled by what each should be, the wrong one marked."""
    scope, colon, body = text.rpartition(":")
    values = body.split(".")
    free = values[0].startswith(("user", "group"))
    labels = FREE_PARTS if free else OFFICIAL_PARTS
    wrong = _wrong_index(error, len(values))
    parts = [Part("scope", scope, error.field == "scope")] if colon else []
    for index, value in enumerate(values):
        label = labels[index] if index < len(labels) else "free-form" if free else "extra"
        parts.append(Part(label, value, index == wrong))
    if error.position and error.position > len(values) and not free:
        parts.append(Part(OFFICIAL_PARTS[error.position - 1], "(missing)", True))
    return parts


def _wrong_index(error: NomenclatureError, count: int) -> int | None:
    if error.position:
        return error.position - 1
    if error.field == "tid":
        return count - 1  # the suffix ends the last part
    return None


def _attach_registered(checks: list[NameCheck]) -> None:
    names = {registry_name(c.name) for c in checks if c.ok}
    if not names:
        return
    query = sa.select(Dataset).where(Dataset.name.in_(names))
    found = {dataset.name: dataset for dataset in db.session.scalars(query)}
    for check in checks:
        if check.ok:
            check.registered = found.get(registry_name(check.name))
