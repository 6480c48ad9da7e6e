"""The rows a task definition writes, built as plain dicts and inserted in bulk: tasks, their JEDI
hand-off rows, and their output datasets, each put into its container (registered when new)."""

from deftweb.models import Dataset, DatasetStatus, JediTask, TaskStatus, utcnow
from deftweb.models.datasets import container_contents
from deftweb.tasks.bulk_rows import ids_by_name, insert_rows
from deftweb.tasks.insert import insert_task_rows
from deftweb.tasks.jedi_sync import COUNTERS
from deftweb.tasks.parameters import PROD_SOURCE_LABEL, VO


def task_row(context, request, piece, step, task_id, name, priority) -> dict:
    """A new task: waiting, every counter at zero."""
    now = utcnow()
    return {
        "id": task_id,
        "request_id": request.id,
        "slice_id": piece.id,
        "step_id": step.id,
        "name": name,
        "project": name.split(".", 1)[0],
        "username": context["userName"],
        "working_group": context["workingGroup"],
        "campaign": context["campaign"],
        "step_name": step.step_name,
        "ami_tag": step.ami_tag,
        "output_formats": step.output_formats,
        "status": TaskStatus.WAITING.value,
        "priority": priority,
        "total_events": piece.events or 0,
        "processed_events": 0,
        "total_jobs": 0,
        "done_jobs": 0,
        "failed_jobs": 0,
        "submitted_at": now,
        "started_at": None,
        "ended_at": None,
        "updated_at": now,
    }


def handoff_row(task: dict, params: dict) -> dict:
    return {
        "task_id": task["id"],
        "status": TaskStatus.WAITING.value,
        "parent_tid": task["parent_id"],
        "chain_tid": task["chain_id"],
        "name": task["name"],
        "username": task["username"],
        "priority": task["priority"],
        "vo": VO,
        "prod_source_label": PROD_SOURCE_LABEL,
        "parameters": params,
        **dict.fromkeys(COUNTERS, 0),
        "created_at": task["submitted_at"],
        "jedi_updated_at": None,
        "synced_at": None,
    }


def dataset_row(name: str, task: dict) -> dict:
    project = task["project"]
    return {
        "name": name,
        "scope": project,
        "project": project,
        "data_type": name.split(".")[4],
        "kind": "data" if project.startswith("data") else "mc",
        "is_container": False,
        "task_id": task["id"],
        "status": DatasetStatus.REGISTERED.value,
        "events": 0,
        "files": 0,
        "created_at": task["submitted_at"],
        "updated_at": task["submitted_at"],
    }


def write_rows(tasks: list[dict], handoffs: list[dict], datasets: list[dict], actor) -> None:
    """Insert the tasks, then their hand-off rows, then their output datasets."""
    insert_task_rows(tasks)
    insert_rows(JediTask.__table__, handoffs)
    _insert_datasets(datasets, actor)


def _insert_datasets(rows: list[dict], actor) -> None:
    """Register the output datasets and put each into its container (made when missing)."""
    table = Dataset.__table__
    creator = actor.id if actor else None
    samples: dict[str, dict] = {}
    containers: dict[str, str] = {}
    for row in rows:
        row["created_by_id"] = creator
        # The name was composed (and checked) by the nomenclature module with this very suffix.
        container = row["name"].removesuffix(f"_tid{row['task_id']:08d}_00")
        containers[row["name"]] = container
        samples.setdefault(container, row)
    insert_rows(table, rows)
    known = ids_by_name(table, sorted(samples))
    missing = [
        samples[name] | {"name": name, "is_container": True, "task_id": None}
        for name in sorted(samples)
        if name not in known
    ]
    insert_rows(table, missing)
    known.update(ids_by_name(table, [row["name"] for row in missing]))
    dataset_ids = ids_by_name(table, [row["name"] for row in rows])
    insert_rows(
        container_contents,
        [
            {"container_id": known[container], "dataset_id": dataset_ids[name]}
            for name, container in containers.items()
        ],
    )
