"""The request table: its filters, columns and sorts, and the query behind a page of it."""

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from deftweb.listing import filters as read
from deftweb.listing.search_index import request_description_contains
from deftweb.listing.table import Column, Filter, Table
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
from deftweb.reference_data import WORKING_GROUPS

REQUEST_STATUSES = [s.value for s in RequestStatus]
STATUS_GROUPS = {
    "active": [s.value for s in ACTIVE_STATUSES],
    "ended": [s.value for s in ENDED_STATUSES],
}
REQUEST_TYPES = [t.value for t in RequestType]
PROVENANCES = [p.value for p in Provenance]


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
    read.id_filter("id", "Request id", Request.id, "100-200"),
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


def _name_column(key: str, label: str, name, shown: bool = True) -> Column:
    """A related row's name, loaded with the page's rows when the column is shown."""
    return Column(key, label, lambda r: getattr(r, name.key), key, shown=shown, load=undefer(name))


COLUMNS = (
    Column("id", "Id", lambda r: r.id, kind="request", sort="id"),
    Column("description", "Description", lambda r: r.description),
    Column("type", "Type", lambda r: r.request_type, "type"),
    _name_column("group", "Group", Request.group_code),
    Column("provenance", "Prov.", lambda r: r.provenance, "provenance", shown=False),
    _name_column("project", "Project", Request.project_name),
    _name_column("campaign", "Campaign", Request.campaign_name, shown=False),
    _name_column("subcampaign", "Subcampaign", Request.subcampaign_name, shown=False),
    Column("status", "Status", lambda r: r.status, "status", kind="status"),
    _name_column("requester", "Requester", Request.requester_name),
    _name_column("manager", "Manager", Request.manager_name, shown=False),
    Column("priority", "Priority", lambda r: r.priority, kind="number", shown=False),
    Column("updated", "Updated", lambda r: r.updated_at, kind="time", sort="updated_at"),
)

TABLE = Table("requests", "request", Request, COLUMNS, FILTERS, SORTS, version=Request.version)
