"""Task definition: every approved step of a request becomes a task, a JEDI hand-off row and the
task's output datasets, all or nothing, inserted in bulk through Core.

Like prodtask's `deftcore/taskdef.py`: a task per approved step, named
project.number.brief.prod_step.version, linked to the task of the step before it (parent) and to
the first task of its chain (chain), handed to JEDI as JSON parameters with status `waiting`.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from deftweb.datasets import nomenclature
from deftweb.models import (
    AuditEvent,
    Request,
    Slice,
    StepStatus,
    Task,
    db,
)
from deftweb.tasks.ids import allocate_task_ids
from deftweb.tasks.parameters import (
    Origin,
    StepError,
    TaskInput,
    campaign_of,
    jedi_parameters,
    output_types,
    prod_step_of,
    slice_origin,
    task_priority,
    ticket_of,
)
from deftweb.tasks.rows import dataset_row, handoff_row, task_row, write_rows

#: Production approval approves every step nobody held back: NotChecked steps are defined (and
#: become Approved) like Approved ones; Waiting steps wait, Skipped ones are skipped (prodtask).
TO_DEFINE = (StepStatus.APPROVED, StepStatus.NOT_CHECKED)


class TaskDefinitionError(Exception):
    """Why a request's tasks could not be defined; it ends up in `Request.error`."""


@dataclass(frozen=True)
class _Defined:
    """A task the chain can hang from: one defined now or by an earlier approval."""

    id: int
    chain_id: int
    name: str
    output_formats: str
    #: Data type -> output dataset name, when already composed.
    outputs: dict | None = None

    def output(self, data_type: str) -> str:
        if self.outputs and data_type in self.outputs:
            return self.outputs[data_type]
        return nomenclature.output_dataset_name(self.name, data_type, self.id)


@dataclass
class _Plan:
    tasks: list[dict] = field(default_factory=list)
    handoffs: list[dict] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)


def define_tasks(request: Request, actor) -> list[int]:
    """Define a task for every approved (or not held back) step that has none yet; return the ids.

    All or nothing: on failure no task or dataset is written, `request.error` names the slice and
    step that failed, and the answer is an empty list (the approval itself stands, as in prodtask,
    and the request can be defined again once fixed). The request's status is the workflow's.
    """
    try:
        ids = _define(request, actor)
    except TaskDefinitionError as error:
        request.error = str(error)
        db.session.flush()
        return []
    request.error = None
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            object_type="request",
            object_id=str(request.id),
            action="define_tasks",
            detail={"tasks": len(ids), "first_task_id": ids[0], "last_task_id": ids[-1]},
        )
    )
    db.session.flush()
    return ids


def _define(request: Request, actor) -> list[int]:
    if request.project is None:
        raise TaskDefinitionError("the request has no project: set one before approval")
    # Two definitions of one request at once must not both see "no task yet" (PostgreSQL; SQLite's
    # write transactions are serial already).
    db.session.execute(sa.select(Request.id).where(Request.id == request.id).with_for_update())
    existing = _existing_tasks(request.id)
    slices = _slices_with_steps(request.id)
    todo = [
        step
        for piece in slices
        if not piece.is_hidden
        for step in piece.steps
        if step.status in TO_DEFINE and step.id not in existing
    ]
    if not todo:
        raise TaskDefinitionError("no approved step is waiting for a task: approve steps first")
    ids = allocate_task_ids(len(todo))
    new_ids = {step.id: task_id for step, task_id in zip(todo, ids, strict=True)}
    plan = _Plan()
    context = _request_context(request, actor)
    for piece in slices:
        if not piece.is_hidden:
            _plan_slice(plan, context, request, piece, new_ids, existing)
    _insert(plan, actor)
    for step in todo:
        step.status = StepStatus.APPROVED
    return ids


def _slices_with_steps(request_id: int) -> list[Slice]:
    """The request's slices with their steps, in two queries (not one per slice)."""
    return list(
        db.session.scalars(
            sa.select(Slice)
            .where(Slice.request_id == request_id)
            .order_by(Slice.ordinal)
            .options(selectinload(Slice.steps))
        )
    )


def _request_context(request: Request, actor) -> dict:
    manager = request.manager or actor
    return {
        "userName": manager.username,
        "workingGroup": f"{request.provenance}_{request.working_group.code}",
        "campaign": campaign_of(request),
        "reqID": request.id,
        "ticketID": ticket_of(request),
    }


def _existing_tasks(request_id: int) -> dict[int, _Defined]:
    rows = db.session.execute(
        sa.select(Task.step_id, Task.id, Task.chain_id, Task.name, Task.output_formats).where(
            Task.request_id == request_id, Task.step_id.is_not(None)
        )
    )
    return {row.step_id: _Defined(row.id, row.chain_id or row.id, *row[3:5]) for row in rows}


def _plan_slice(plan: _Plan, context: dict, request, piece, new_ids: dict, existing: dict) -> None:
    """Plan the tasks of one slice, walking its steps in chain order."""
    label = f"slice {piece.ordinal} ({piece.brief or piece.dsid or piece.input_dataset})"
    try:
        origin = slice_origin(request.project.name, piece)
    except nomenclature.NomenclatureError as error:
        raise TaskDefinitionError(f"{label}: input dataset: {error}") from error
    tags: dict[int, tuple[str, ...]] = {}
    defined: dict[int, _Defined | None] = {}
    previous = None
    for step in piece.steps:
        parent = step.parent_step if step.parent_step_id else previous
        try:
            _plan_step(plan, context, request, piece, origin, step, parent, tags, defined, new_ids)
        except (StepError, ValueError) as error:
            where = f"{label}, step {step.ordinal} {step.step_name} {step.ami_tag}"
            raise TaskDefinitionError(f"{where}: {error}") from error
        if step.id in existing:
            defined[step.id] = existing[step.id]
        previous = step


def _plan_step(plan, context, request, piece, origin: Origin, step, parent, tags, defined, new_ids):
    if parent is not None and parent.id not in tags:
        raise StepError(f"its parent step {parent.step_name} comes after it in the slice")
    base = tags[parent.id] if parent else origin.tags
    skipped_input = step.id not in new_ids and step.ami_tag in origin.tags
    tags[step.id] = base if skipped_input else (*base, step.ami_tag)
    defined[step.id] = None
    if step.id not in new_ids:
        return
    source = _task_input(origin, step, parent, defined)
    task_id = new_ids[step.id]
    prod_step = prod_step_of(step)
    name = nomenclature.task_name(
        origin.project, origin.number, origin.brief, prod_step, tags[step.id]
    )
    outputs = {t: nomenclature.output_dataset_name(name, t, task_id) for t in output_types(step)}
    chain_id = defined[parent.id].chain_id if source.parent_id else task_id
    priority = task_priority(request, piece, step)
    task = task_row(context, request, piece, step, task_id, name, priority)
    task.update(parent_id=source.parent_id, chain_id=chain_id)
    params = jedi_parameters(
        context | {"taskPriority": priority, "nEvents": piece.events or 0},
        name,
        task_id,
        step,
        source,
        list(outputs.values()),
    )
    plan.tasks.append(task)
    plan.handoffs.append(handoff_row(task, params))
    plan.datasets.extend(dataset_row(dataset, task) for dataset in outputs.values())
    defined[step.id] = _Defined(task_id, chain_id, name, step.output_formats, outputs)


def _task_input(origin: Origin, step, parent, defined) -> TaskInput:
    """The parent task's output this step reads, else the slice input, else nothing (evgen)."""
    parent_task = defined.get(parent.id) if parent else None
    if parent is not None and parent_task is None and parent.status != StepStatus.SKIPPED:
        raise StepError(f"its parent step {parent.step_name} is neither approved nor skipped")
    if parent_task is None:
        if not origin.input_dataset and prod_step_of(step) != "evgen":
            raise StepError("the slice has no input dataset and this step is not event generation")
        return TaskInput(origin.input_dataset)
    formats = parent_task.output_formats.split(".")
    wanted = step.task_config.get("input_format") or formats[0]
    if wanted not in formats:
        raise StepError(f"input format {wanted} is not an output of {parent.step_name}")
    return TaskInput(parent_task.output(wanted), parent_task.id)


def _insert(plan: _Plan, actor) -> None:
    """Write the plan in one savepoint: a database refusal undoes every row of it."""
    try:
        with db.session.begin_nested():
            write_rows(plan.tasks, plan.handoffs, plan.datasets, actor)
    except sa.exc.IntegrityError as error:
        raise TaskDefinitionError(f"the database refused the new tasks: {error.orig}") from error
