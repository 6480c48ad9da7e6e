"""The dataset table (the registry's list page): its filters, columns and sorts."""

from deftweb.listing import filters as read
from deftweb.listing import search_index
from deftweb.listing.table import Column, Filter, Sort, Table
from deftweb.models import Dataset, DatasetStatus

DATASET_STATUSES = [s.value for s in DatasetStatus]
KINDS = ("mc", "data", "physcont", "user", "group")


def _name_contains(term: str):
    return search_index.contains(Dataset.name, Dataset.id, term)


def _container_clause(answer: str):
    return Dataset.is_container.is_(answer == "yes")


FILTERS = (
    Filter("name", "Name contains", read.term, _name_contains, "ttbar"),
    Filter("project", "Project", read.word, lambda v: Dataset.project == v, "mc23_13p6TeV"),
    Filter("data_type", "Data type", read.word, lambda v: Dataset.data_type == v, "DAOD_PHYS"),
    Filter("kind", "Kind", read.one_of(KINDS), lambda v: Dataset.kind == v, choices=KINDS),
    Filter(
        "status",
        "Status",
        read.statuses(DATASET_STATUSES, {}),
        Dataset.status.in_,
        many=True,
        choices=tuple(DATASET_STATUSES),
    ),
    read.id_filter("task", "Task id", Dataset.task_id, "task id"),
    Filter(
        "container",
        "Container",
        read.one_of(("yes", "no")),
        _container_clause,
        choices=("yes", "no"),
    ),
)

SORTS = {
    "id": Sort("id", Dataset.id, "Registered"),
    "name": Sort("name", Dataset.name, "Name"),
}

COLUMNS = (
    Column("id", "Id", lambda d: d.id, kind="dataset"),
    Column("name", "Name", lambda d: d.name, kind="name"),
    Column("status", "Status", lambda d: d.status, "status", kind="status"),
    Column("kind", "Kind", lambda d: d.kind, "kind"),
    Column("project", "Project", lambda d: d.project, "project"),
    Column("data_type", "Data type", lambda d: d.data_type, "data_type"),
    Column("container", "Container", lambda d: "yes" if d.is_container else "no", "container"),
    Column("task", "Task", lambda d: d.task_id, kind="task"),
    Column("events", "Events", lambda d: d.events, kind="number", shown=False),
    Column("files", "Files", lambda d: d.files, kind="number", shown=False),
    Column("created", "Registered", lambda d: d.created_at, kind="time", shown=False),
)

TABLE = Table(
    "datasets", "dataset", Dataset, COLUMNS, FILTERS, SORTS, page_template="datasets/list.html"
)
