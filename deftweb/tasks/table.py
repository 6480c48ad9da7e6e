"""The task table: its filters, columns and sorts, and the query behind a page of it."""

import sqlalchemy as sa

from deftweb.listing import filters as read
from deftweb.listing.search_index import task_name_contains
from deftweb.listing.table import Column, Filter, Table
from deftweb.models import ENDED_TASK_STATUSES, Task, TaskStatus
from deftweb.models.users import Provenance
from deftweb.reference_data import WORKING_GROUPS

TASK_STATUSES = [s.value for s in TaskStatus]
STATUS_GROUPS = {
    "active": [s for s in TASK_STATUSES if s not in ENDED_TASK_STATUSES],
    "ended": [s.value for s in ENDED_TASK_STATUSES],
}
GROUP_CODES = sorted(WORKING_GROUPS)


def _group_clause(value: str) -> sa.ColumnElement[bool]:
    """`HIGG` means the group under any provenance; `AP_HIGG` exactly that."""
    if "_" in value:
        return Task.working_group == value
    return Task.working_group.in_([f"{p.value}_{value}" for p in Provenance])


FILTERS = (
    read.id_filter("id", "Task id", Task.id, "100-200"),
    Filter("name", "Name contains", read.term, task_name_contains, "ttbar"),
    Filter(
        "status",
        "Status",
        read.statuses(TASK_STATUSES, STATUS_GROUPS),
        Task.status.in_,
        many=True,
        choices=(*STATUS_GROUPS, *TASK_STATUSES),
    ),
    Filter("group", "Working group", read.word, _group_clause, choices=tuple(GROUP_CODES)),
    Filter("project", "Project", read.word, lambda v: Task.project == v, "mc23_13p6TeV"),
    Filter("campaign", "Campaign", read.word, lambda v: Task.campaign == v, "MC23:MC23a"),
    Filter("step", "Step", read.word, lambda v: Task.step_name == v, "Reco"),
    Filter("ami", "AMI tag", read.word, lambda v: Task.ami_tag == v, "r14622"),
    Filter(
        "format",
        "Output format",
        read.word,
        lambda v: read.dotted_member(Task.output_formats, v),
        "AOD",
    ),
    Filter("user", "Manager", read.word, lambda v: Task.username == v, "user name"),
    read.id_filter("request", "Request id", Task.request_id, "1-99"),
    read.id_filter("chain", "Chain", Task.chain_id, "task id"),
    *read.updated_window(Task.updated_at),
)

SORTS = read.id_and_update_sorts(Task.id, Task.updated_at, "Task id")

COLUMNS = (
    Column("id", "Id", lambda t: t.id, kind="task", sort="id"),
    Column("name", "Name", lambda t: t.name, kind="name"),
    Column("status", "Status", lambda t: t.status, "status", kind="status"),
    Column("group", "Group", lambda t: t.working_group, "group"),
    Column("project", "Project", lambda t: t.project, "project", shown=False),
    Column("campaign", "Campaign", lambda t: t.campaign, "campaign", shown=False),
    Column("step", "Step", lambda t: t.step_name, "step"),
    Column("ami", "AMI tag", lambda t: t.ami_tag, "ami", shown=False),
    Column("format", "Output", lambda t: t.output_formats, "format", shown=False),
    Column("user", "Manager", lambda t: t.username, "user", shown=False),
    Column("request", "Request", lambda t: t.request_id, "request"),
    Column("chain", "Chain", lambda t: t.chain_id, "chain", shown=False),
    Column("priority", "Priority", lambda t: t.priority, kind="number", shown=False),
    Column("events", "Events", lambda t: t.processed_events, kind="number", shown=False),
    Column("updated", "Updated", lambda t: t.updated_at, kind="time", sort="updated_at"),
)

TABLE = Table("tasks", "task", Task, COLUMNS, FILTERS, SORTS)
