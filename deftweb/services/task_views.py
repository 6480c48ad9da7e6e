"""Loading a task with its hand-off row, datasets and chain neighbours."""

import sqlalchemy as sa

from deftweb.models import Dataset, JediTask, Task, db

CHILDREN_SHOWN = 200


def get_task_or_404(task_id: int) -> Task:
    return db.get_or_404(Task, task_id, description=f"There is no task {task_id}.")


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
