"""The request table: its filters, columns and sorts, and the query behind a page of it."""

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from deftweb.models import (
    ACTIVE_STATUSES,
    ENDED_STATUSES,
    Campaign,
    Project,
    Request,
    RequestStatus,
    RequestType,
    Slice,
    Step,
    Subcampaign,
    User,
    WorkingGroup,
)
from deftweb.models.users import Provenance
from deftweb.services import list_filters as read
from deftweb.services.catalog_data import WORKING_GROUPS
from deftweb.services.listing import (
    Column,
    Filter,
    Table,
)
from deftweb.services.search_index import request_description_contains

REQUEST_STATUSES = [s.value for s in RequestStatus]
STATUS_GROUPS = {
    "active": [s.value for s in ACTIVE_STATUSES],
    "ended": [s.value for s in ENDED_STATUSES],
}
REQUEST_TYPES = [t.value for t in RequestType]
PROVENANCES = [p.value for p in Provenance]

#: Every page loads a request with the names its columns show, in the same statement.
ROW_LOAD = tuple(
    undefer(name)
    for name in (
        Request.group_code,
        Request.project_name,
        Request.campaign_name,
        Request.subcampaign_name,
        Request.requester_name,
        Request.manager_name,
    )
)


def _id_of(model, name_column, value):
    """The id of the catalogue row named `value`, as a subquery (one statement for the page)."""
    return sa.select(model.id).where(name_column == value).scalar_subquery()


def _has_step(condition) -> sa.ColumnElement[bool]:
    """The request has a step (of any slice) meeting `condition`."""
    return sa.exists(
        sa.select(Step.id)
        .join(Slice, Step.slice_id == Slice.id)
        .where(Slice.request_id == Request.id, condition)
    )


FILTERS = (
    Filter("id", "Request id", read.id_range, lambda v: read.in_range(Request.id, v), "100-200"),
    Filter("description", "Description contains", read.term, request_description_contains, "ttbar"),
    Filter(
        "type",
        "Type",
        read.one_of(REQUEST_TYPES),
        lambda v: Request.request_type == v,
        choices=tuple(REQUEST_TYPES),
    ),
    Filter(
        "status",
        "Status",
        read.statuses(REQUEST_STATUSES, STATUS_GROUPS),
        Request.status.in_,
        many=True,
        choices=(*STATUS_GROUPS, *REQUEST_STATUSES),
    ),
    Filter(
        "group",
        "Working group",
        read.word,
        lambda v: Request.working_group_id == _id_of(WorkingGroup, WorkingGroup.code, v),
        choices=tuple(sorted(WORKING_GROUPS)),
    ),
    Filter(
        "provenance",
        "Provenance",
        read.one_of(PROVENANCES),
        lambda v: Request.provenance == v,
        choices=tuple(PROVENANCES),
    ),
    Filter(
        "project",
        "Project",
        read.word,
        lambda v: Request.project_id == _id_of(Project, Project.name, v),
        "mc23_13p6TeV",
    ),
    Filter(
        "campaign",
        "Campaign",
        read.word,
        lambda v: Request.campaign_id == _id_of(Campaign, Campaign.name, v),
        "MC23",
    ),
    Filter(
        "subcampaign",
        "Subcampaign",
        read.word,
        lambda v: Request.subcampaign_id.in_(
            sa.select(Subcampaign.id).where(Subcampaign.name == v)
        ),
        "MC23a",
    ),
    Filter(
        "requester",
        "Requester",
        read.word,
        lambda v: Request.requester_id == _id_of(User, User.username, v),
        "user name",
    ),
    Filter(
        "manager",
        "Manager",
        read.word,
        lambda v: Request.manager_id == _id_of(User, User.username, v),
        "user name",
    ),
    Filter("step", "Step", read.word, lambda v: _has_step(Step.step_name == v), "Reco"),
    Filter("ami", "AMI tag", read.word, lambda v: _has_step(Step.ami_tag == v), "r14622"),
    Filter(
        "format",
        "Output format",
        read.word,
        lambda v: _has_step(read.dotted_member(Step.output_formats, v)),
        "AOD",
    ),
    *read.updated_window(Request.updated_at),
)

SORTS = read.id_and_update_sorts(Request.id, Request.updated_at, "Request id")


COLUMNS = (
    Column("id", "Id", lambda r: r.id, kind="request", sort="id"),
    Column("description", "Description", lambda r: r.description),
    Column("type", "Type", lambda r: r.request_type, "type"),
    Column("group", "Group", lambda r: r.group_code, "group"),
    Column("provenance", "Prov.", lambda r: r.provenance, "provenance", shown=False),
    Column("project", "Project", lambda r: r.project_name, "project"),
    Column("campaign", "Campaign", lambda r: r.campaign_name, "campaign", shown=False),
    Column("subcampaign", "Subcampaign", lambda r: r.subcampaign_name, "subcampaign", shown=False),
    Column("status", "Status", lambda r: r.status, "status", kind="status"),
    Column("requester", "Requester", lambda r: r.requester_name, "requester"),
    Column("manager", "Manager", lambda r: r.manager_name, "manager", shown=False),
    Column("priority", "Priority", lambda r: r.priority, kind="number", shown=False),
    Column("updated", "Updated", lambda r: r.updated_at, kind="time", sort="updated_at"),
)

TABLE = Table("requests", "request", Request, COLUMNS, FILTERS, SORTS, load=ROW_LOAD)
