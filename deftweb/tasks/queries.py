"""Loading a task with its hand-off row, datasets and chain neighbours."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from deftweb.auth import policy
from deftweb.auth.access import get_allowed
from deftweb.models import AuditEvent, Dataset, JediCommand, JediTask, Task, db

CHILDREN_SHOWN = 200


def get_task(task_id: int, check=policy.can_view_task) -> Task:
    """The task (404 if there is none), if `check(current_user, task)` allows it (403)."""
    return get_allowed(Task, task_id, check, "task")


def handoff_of(task_id: int) -> JediTask | None:
    return db.session.get(JediTask, task_id)


def datasets_of(task_id: int) -> list[Dataset]:
    return list(
        db.session.scalars(
            sa.select(Dataset).where(Dataset.task_id == task_id).order_by(Dataset.name)
        )
    )


def parent_of(task: Task) -> Task | None:
    return db.session.get(Task, task.parent_id) if task.parent_id else None


def children_of(task_id: int) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.parent_id == task_id).order_by(Task.id).limit(CHILDREN_SHOWN)
        )
    )


def priorities_of(task_ids: list[int]) -> dict[int, int]:
    return dict(
        db.session.execute(sa.select(Task.id, Task.priority).where(Task.id.in_(task_ids))).all()
    )


def history_of(task_id: int) -> list[AuditEvent]:
    """What people did to the task (actions), newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.object_type == "task", AuditEvent.object_id == str(task_id))
            .order_by(AuditEvent.id.desc())
            .options(joinedload(AuditEvent.actor))
        )
    )


def commands_of(task_id: int) -> list[JediCommand]:
    """The commands sent to JEDI for the task, newest first, with what JEDI answered."""
    return list(
        db.session.scalars(
            sa.select(JediCommand)
            .where(JediCommand.task_id == task_id)
            .order_by(JediCommand.id.desc())
        )
    )
