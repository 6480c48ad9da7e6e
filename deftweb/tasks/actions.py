"""Task actions, as in prodtask's `task_actions.py`: abort, finish, retry, change priority and
obsolete. Each becomes a command row for JEDI plus an audit row; bulk actions answer per task.

Which action a task allows depends on its status (the table below); who may act is policy
(`can_act_on_task`, `task_priority_cap`). The task row is changed by compare-and-set on its status,
so two people acting at once cannot both win.
"""

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from deftweb.auth import policy
from deftweb.errors import Conflict, InvalidInput, NotAllowed, NotFound, Refusal
from deftweb.listing.bulk import RowResult
from deftweb.models import AuditEvent, JediCommand, JediTask, Task, TaskStatus, db, utcnow

S = TaskStatus
PRIORITY_RANGE = (0, 10_000)


class TaskAction(StrEnum):
    ABORT = "abort"
    FINISH = "finish"
    RETRY = "retry"
    CHANGE_PRIORITY = "change_priority"
    OBSOLETE = "obsolete"


_ACTIVE = frozenset(
    {S.WAITING, S.STAGING, S.REGISTERED, S.ASSIGNING, S.SUBMITTING, S.READY, S.PENDING}
    | {S.SCOUTING, S.RUNNING, S.PAUSED, S.THROTTLED, S.EXHAUSTED, S.TORETRY}
)


@dataclass(frozen=True)
class ActionRule:
    label: str
    #: The JEDI command (the name JEDI's command table knows).
    command: str
    allowed_from: frozenset
    #: The status deftweb shows until JEDI reports back; None keeps the status.
    next_status: str | None


RULES = {
    TaskAction.ABORT: ActionRule("Abort", "abort", _ACTIVE, S.TOABORT),
    TaskAction.FINISH: ActionRule("Finish", "finish", _ACTIVE - {S.TORETRY}, None),
    TaskAction.RETRY: ActionRule("Retry", "retry", frozenset({S.FINISHED, S.EXHAUSTED}), S.TORETRY),
    TaskAction.CHANGE_PRIORITY: ActionRule(
        "Change priority", "changePriority", _ACTIVE | {S.FINISHED}, None
    ),
    TaskAction.OBSOLETE: ActionRule(
        "Obsolete", "obsolete", frozenset({S.DONE, S.FINISHED}), S.OBSOLETE
    ),
}


@dataclass(frozen=True)
class ActionResult:
    task_id: int
    ok: bool
    message: str
    command_id: int | None = None
    status_code: int = 200


def allowed_actions(user, task: Task) -> list[TaskAction]:
    """The actions `user` may take on `task` now: the task page's buttons."""
    if not policy.can_act_on_task(user, task):
        return []
    return [action for action, rule in RULES.items() if task.status in rule.allowed_from]


def perform(actor, action: str, task_ids: list[int], priority: int | None = None) -> list:
    """Run `action` on every task (in the order given); one ActionResult per task."""
    if action not in set(TaskAction):
        raise InvalidInput(f"Unknown task action {action!r}.", "/action")
    action = TaskAction(action)
    if action == TaskAction.CHANGE_PRIORITY:
        _check_priority(priority)
    tasks = {t.id: t for t in db.session.scalars(sa.select(Task).where(Task.id.in_(task_ids)))}
    results = []
    for task_id in dict.fromkeys(task_ids):
        try:
            command = _act(actor, action, tasks.get(task_id), task_id, priority)
        except Refusal as refused:
            results.append(ActionResult(task_id, False, refused.message, None, refused.status))
        else:
            message = f"{RULES[action].label}: sent to JEDI for task {task_id}."
            results.append(ActionResult(task_id, True, message, command.id))
    return results


def _check_priority(priority) -> None:
    low, high = PRIORITY_RANGE
    if type(priority) is not int or not low <= priority <= high:
        raise InvalidInput(
            f"Give the new priority as a whole number from {low} to {high}.", "/priority"
        )


def _act(actor, action: TaskAction, task: Task | None, task_id: int, priority) -> JediCommand:
    rule = RULES[action]
    if task is None:
        raise NotFound(f"There is no task {task_id}.")
    if not policy.can_act_on_task(actor, task):
        raise NotAllowed(
            f"You may not act on task {task_id}: it belongs to {task.working_group}, and only "
            "production managers and that group's conveners may."
        )
    if task.status not in rule.allowed_from:
        possible = ", ".join(sorted(rule.allowed_from))
        raise Conflict(
            f"Task {task_id} is {task.status}: {rule.label.lower()} is possible only when it is "
            f"{possible}."
        )
    arguments = {}
    if action == TaskAction.CHANGE_PRIORITY:
        arguments = {"priority": _allowed_priority(actor, task, priority)}
    _compare_and_set(task, rule, arguments)
    return _command(actor, task, action, rule, arguments)


def _allowed_priority(actor, task: Task, priority: int) -> int:
    cap = policy.task_priority_cap(actor, task)
    if cap is not None and priority > cap:
        raise NotAllowed(
            f"Group production may not raise a task above priority {cap} (asked {priority}); "
            "ask a production manager for more."
        )
    return priority


def _compare_and_set(task: Task, rule: ActionRule, arguments: dict) -> None:
    values = {"updated_at": utcnow()}
    if rule.next_status:
        values["status"] = rule.next_status
    if "priority" in arguments:
        values["priority"] = arguments["priority"]
    seen = task.status
    changed = db.session.execute(
        sa.update(Task)
        .where(Task.id == task.id, Task.status == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(task)
        raise Conflict(
            f"Task {task.id} changed meanwhile (it was {seen}, it is now {task.status}): "
            "reload and decide again."
        )
    if "priority" in arguments:
        db.session.execute(
            sa.update(JediTask)
            .where(JediTask.task_id == task.id)
            .values(priority=arguments["priority"])
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(task)


def _command(actor, task: Task, action, rule: ActionRule, arguments: dict) -> JediCommand:
    command = JediCommand(
        task_id=task.id,
        command=rule.command,
        arguments=arguments,
        requested_by_id=actor.id,
    )
    db.session.add(command)
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            object_type="task",
            object_id=str(task.id),
            action=str(action),
            detail={"command": rule.command, **arguments},
        )
    )
    db.session.flush()
    return command


#: The task table's bulk bar: action -> its label.
TABLE_ACTIONS = {action.value: rule.label for action, rule in RULES.items()}


def act_on_table_rows(actor, action: str, ids: list[int], priority: int | None) -> list:
    """The task table's bulk bar: the action on each task, one RowResult per task."""
    return [RowResult(r.task_id, r.ok, r.message) for r in perform(actor, action, ids, priority)]
