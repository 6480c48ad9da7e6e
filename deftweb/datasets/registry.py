"""The dataset registry: register datasets and containers, one or a pasted list, fill containers.

A name is registered only after the nomenclature module accepts it and the policy lets the actor
write under it, and it is never registered twice, not even after deletion: the unique constraint on
`datasets.name` decides between two people registering one name at once, and the loser is told the
name is taken. Lists are all or nothing: every line is checked before any is inserted.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from deftweb import audit
from deftweb.auth import policy
from deftweb.datasets.nomenclature import DatasetName, NomenclatureError, parse
from deftweb.datasets.rucio_groups import working_group_of
from deftweb.errors import Conflict, InvalidInput, NotAllowed, Refusal
from deftweb.models import Dataset, DatasetStatus, Task, User, db, utcnow

#: Most names one pasted list may hold (a larger list is refused whole, before any check).
MAX_LINES = 1000
DATA_TYPE_MAX = Dataset.data_type.type.length
#: The fields a dataset must share with the container it is put in.
CONTAINER_KEYS = (("project", "project"), ("number", "number"), ("data_type", "data type"))


class AlreadyRegistered(Conflict):
    """The name is taken (registered, maybe deleted since): names are never reused."""

    def __init__(self, message: str):
        super().__init__(message, "/name")


@dataclass
class LineResult:
    """What became of one line of a pasted list."""

    number: int
    name: str
    dataset: Dataset | None = None
    error: Refusal | None = None
    parsed: DatasetName | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def registry_name(name: DatasetName) -> str:
    """The name as the registry keeps it: no `scope:` prefix, no trailing container mark."""
    return name.text.split(":", 1)[-1].removesuffix("/")


def find_dataset(name: str) -> Dataset | None:
    """The registered dataset or container of this name (with or without scope), or None."""
    try:
        key = registry_name(parse(name.strip()))
    except NomenclatureError:
        return None
    return db.session.scalars(sa.select(Dataset).where(Dataset.name == key)).one_or_none()


def check_registration(actor: User, text: str) -> DatasetName:
    """The parsed name, if `actor` may register it now; otherwise a Refusal says why."""
    name = _allowed_name(actor, text)
    _refuse_taken(_taken({registry_name(name)}))
    return name


def _allowed_name(actor: User, text: str) -> DatasetName:
    name = parse_name(text)
    if not policy.can_register_dataset(actor, name):
        raise NotAllowed(refusal_reason(actor, name), "/owner" if name.owner else "/project")
    return name


def parse_name(text: str) -> DatasetName:
    """The parsed name, or InvalidInput with the nomenclature's message and field."""
    try:
        name = parse(text.strip())
    except NomenclatureError as error:
        raise InvalidInput(str(error), f"/{error.field}") from None
    if len(name.data_type) > DATA_TYPE_MAX:
        problem = f"data type is longer than the registry keeps ({DATA_TYPE_MAX} characters)"
        raise InvalidInput(problem, "/data_type")
    return name


def refusal_reason(actor: User, name: DatasetName) -> str:
    """Why `actor` may not register `name`, in words that say who may."""
    if name.kind == "user":
        mine = f" yours start user.{actor.username}." if policy.is_signed_in(actor) else ""
        return f"user.{name.owner}. names belong to the user {name.owner} alone;{mine}"
    if name.kind == "group":
        code = working_group_of(name.owner)
        if code is None:
            return f"No working group is known for the Rucio group {name.owner!r}."
        return f"group.{name.owner}. names are registered by members of {code} only."
    return f"Official names such as {name.project}.… are registered by production managers only."


def register(actor: User, text: str, contents: list[str] | tuple = ()) -> Dataset:
    """Register one dataset or container; a container may be given its datasets at once."""
    name = check_registration(actor, text)
    if contents and not name.is_container:
        raise InvalidInput(f"{registry_name(name)} is a dataset, not a container", "/datasets")
    members = [_container_member(name, None, member) for member in contents]
    _refuse_repeats([registry_name(name)] + [m.name for m in members], "datasets")
    dataset = _insert_all(actor, [name])[0]
    if members:
        fill_container(actor, dataset, [m.name for m in members])
    return dataset


def register_list(actor: User, lines: list[str]) -> list[LineResult]:
    """Register every name of a list (blank lines skipped) or none: a result for each line."""
    results = _checked_lines(actor, lines)
    if not results:
        raise InvalidInput("Paste at least one name, one per line.", "/names")
    if all(r.ok for r in results):
        try:
            datasets = _insert_all(actor, [r.parsed for r in results])
        except AlreadyRegistered:
            _mark_taken(results)  # registered meanwhile: say so on their lines, as if found first
            return results
        for result, dataset in zip(results, datasets, strict=True):
            result.dataset = dataset
    return results


def fill_container(actor: User, container: Dataset, names: list[str]) -> list[Dataset]:
    """Put registered datasets in a container; all of them or none, each agreeing with it."""
    if not names:
        raise InvalidInput("Paste at least one dataset name, one per line.", "/names")
    if not container.is_container:
        raise InvalidInput(f"{container.name} is a dataset, not a container", "/container")
    if container.status == DatasetStatus.DELETED:
        raise Conflict(f"{container.name} is deleted", "/container")
    container_name = parse_name(container.name)
    if not policy.can_fill_container(actor, container, container_name):
        raise NotAllowed(refusal_reason(actor, container_name), "/container")
    members = [_container_member(container_name, container, n) for n in names]
    _refuse_repeats([m.name for m in members], "datasets")
    container.contents.extend(members)
    db.session.flush()
    added = [m.name for m in members]
    audit.record(actor, container, "fill_container", datasets=added)
    return members


def delete_dataset(actor: User, dataset: Dataset) -> Dataset:
    """Mark a dataset or container deleted (compare-and-set on its status); the name stays taken."""
    name = parse_name(dataset.name)
    if not policy.can_delete_dataset(actor, dataset, name):
        raise NotAllowed(refusal_reason(actor, name), "/owner" if name.owner else "/project")
    was = dataset.status
    if was == DatasetStatus.DELETED:
        raise Conflict(f"{dataset.name} is already deleted", "/status")
    if was == DatasetStatus.PRODUCING:
        raise Conflict(f"{dataset.name} is still being produced by its task", "/status")
    changed = db.session.execute(
        sa.update(Dataset)
        .where(Dataset.id == dataset.id, Dataset.status == was)
        .values(status=DatasetStatus.DELETED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict(f"{dataset.name} changed meanwhile: reload it and try again", "/status")
    db.session.refresh(dataset)
    audit.record(actor, dataset, "delete", name=dataset.name, status=was)
    return dataset


def _checked_lines(actor: User, lines: list[str]) -> list[LineResult]:
    lines = [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()]
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"Paste at most {MAX_LINES:,} names at once.", "/names")
    results, first_line = [], {}
    for number, line in lines:
        result = LineResult(number, line)
        try:
            result.parsed = _allowed_name(actor, line)
            key = registry_name(result.parsed)
            if key in first_line:
                raise InvalidInput(f"repeats line {first_line[key]}", "/name")
            first_line[key] = number
        except Refusal as error:
            result.error = error
        results.append(result)
    _mark_taken(results)
    return results


def _mark_taken(results: list[LineResult]) -> None:
    """Refuse the lines whose names are registered already (one query for the whole list)."""
    waiting = {registry_name(r.parsed): r for r in results if r.ok}
    for dataset in _taken(set(waiting)) if waiting else ():
        try:
            _refuse_taken([dataset])
        except AlreadyRegistered as error:
            waiting[dataset.name].error = error


def _container_member(container: DatasetName, stored: Dataset | None, text: str) -> Dataset:
    """The registered dataset `text` names, if it may go into `container`."""
    dataset = find_dataset(text)
    shown = text.strip()
    if dataset is None:
        raise InvalidInput(f"{shown} is not registered: register it first", "/datasets")
    if dataset.is_container:
        raise InvalidInput(f"{shown} is a container; containers hold datasets", "/datasets")
    if dataset.status == DatasetStatus.DELETED:
        raise InvalidInput(f"{shown} is deleted", "/datasets")
    if stored is not None and dataset in stored.contents:
        raise InvalidInput(f"{shown} is already in this container", "/datasets")
    member = parse_name(dataset.name)
    for key, label in CONTAINER_KEYS:
        if getattr(member, key) != getattr(container, key):
            problem = f"{shown} has {label} {getattr(member, key)!r}, the container "
            raise InvalidInput(problem + f"{getattr(container, key)!r}", "/datasets")
    return dataset


def _refuse_repeats(names: list[str], field: str) -> None:
    seen = set()
    for name in names:
        if name in seen:
            raise InvalidInput(f"{name} is named twice", f"/{field}")
        seen.add(name)


def _taken(names: set[str]) -> list[Dataset]:
    return list(db.session.scalars(sa.select(Dataset).where(Dataset.name.in_(names))))


def _refuse_taken(taken: list[Dataset]) -> None:
    """Raise AlreadyRegistered for the first taken name, if any."""
    if not taken:
        return
    dataset = taken[0]
    if dataset.status == DatasetStatus.DELETED:
        raise AlreadyRegistered(
            f"{dataset.name} was registered and later deleted; names are never reused, "
            "so choose a new one (e.g. the next version)"
        )
    raise AlreadyRegistered(f"{dataset.name} is already registered")


def _insert_all(actor: User, names: list[DatasetName]) -> list[Dataset]:
    """Insert the rows and their audit events; a name taken meanwhile refuses them all."""
    tasks = _known_tasks(names)
    datasets = [_new_dataset(actor, name, tasks) for name in names]
    try:
        with db.session.begin_nested():
            db.session.add_all(datasets)
            db.session.flush()
    except sa.exc.IntegrityError:
        # Someone registered one of these names after our check: their row wins.
        _refuse_taken(_taken({registry_name(n) for n in names}))
        raise
    for dataset, name in zip(datasets, names, strict=True):
        audit.record(actor, dataset, "register", name=dataset.name, kind=name.kind)
    return datasets


def _known_tasks(names: list[DatasetName]) -> set[int]:
    tids = {n.tid for n in names if n.tid is not None}
    if not tids:
        return set()
    return set(db.session.scalars(sa.select(Task.id).where(Task.id.in_(tids))))


def _new_dataset(actor: User, name: DatasetName, tasks: set[int]) -> Dataset:
    return Dataset(
        name=registry_name(name),
        scope=name.scope,
        project=name.project,
        data_type=name.data_type,
        kind=name.kind,
        is_container=name.is_container,
        task_id=name.tid if name.tid in tasks else None,
        status=DatasetStatus.REGISTERED,
        created_by_id=actor.id,
    )
