"""Production requests: the request, its slices and their step chains, its history and watchers."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from deftweb.models.base import Timestamped, db, utcnow
from deftweb.models.catalog import Campaign, Project, Subcampaign
from deftweb.models.users import User, WorkingGroup


class RequestType(StrEnum):
    MC = "MC"
    GROUP = "GROUP"  # derivations: slimming and skimming
    ANALYSIS = "ANALYSIS"
    REPROCESSING = "REPROCESSING"
    HLT = "HLT"
    EVENTINDEX = "EVENTINDEX"


class RequestStatus(StrEnum):
    """ATLAS request statuses; the review workflow's transition table says which moves exist."""

    DRAFT = "draft"
    WAITING = "waiting"  # submitted, waits for group approval
    REGISTERED = "registered"  # group-approved, waits for production approval
    APPROVED = "approved"
    WORKING = "working"  # tasks defined
    FINISHED = "finished"  # ended, some tasks only partly done
    DONE = "done"
    HOLD = "hold"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


#: The request-table filter groups, as in ATLAS prodtask.
ACTIVE_STATUSES = (
    RequestStatus.WAITING,
    RequestStatus.REGISTERED,
    RequestStatus.APPROVED,
    RequestStatus.WORKING,
    RequestStatus.HOLD,
)
ENDED_STATUSES = (RequestStatus.FINISHED, RequestStatus.DONE, RequestStatus.CANCELLED)


class StepStatus(StrEnum):
    NOT_CHECKED = "NotChecked"
    APPROVED = "Approved"
    SKIPPED = "Skipped"
    WAITING = "Waiting"


class HistoryKind(StrEnum):
    CREATED = "created"
    TRANSITION = "transition"
    EDIT = "edit"
    COMMENT = "comment"


def _name_by_id(name_column, foreign_key):
    """A deferred column: the name of the row `foreign_key` points at."""
    table = name_column.table
    subquery = sa.select(name_column).where(table.c.id == foreign_key).correlate_except(table)
    return column_property(subquery.scalar_subquery(), deferred=True)


class Request(Timestamped, db.Model):
    __tablename__ = "requests"
    __table_args__ = (
        sa.Index(None, "status", "id"),
        sa.Index(None, "working_group_id", "id"),
        sa.Index(None, "requester_id", "id"),
        sa.Index(None, "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_type: Mapped[str] = mapped_column(sa.String(16))
    working_group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_groups.id"))
    provenance: Mapped[str] = mapped_column(sa.String(2))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))
    subcampaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subcampaigns.id"))
    energy_gev: Mapped[int | None]
    #: One line, as in the request table.
    description: Mapped[str] = mapped_column(sa.String(256))
    long_description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Link to the JIRA ticket or Indico talk that motivates the request.
    reference_link: Mapped[str] = mapped_column(sa.String(256), default="")
    #: Comma-separated e-mail addresses told about every change.
    cc: Mapped[str] = mapped_column(sa.String(1000), default="")
    priority: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(16), default=RequestStatus.DRAFT)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: The production manager in charge; JEDI userName of its tasks.
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Compare-and-set counter: every change checks and bumps it.
    version: Mapped[int] = mapped_column(default=1)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("request_templates.id"))
    cloned_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requests.id"))
    #: The last task-definition error, naming the slice and step that failed.
    error: Mapped[str | None] = mapped_column(sa.Text)

    # The names the request table shows, each a scalar subquery its row statement undefers for
    # the columns shown: small subplans instead of a seven-table join, whose PostgreSQL planning
    # alone cost 4 ms a page. Elsewhere they load on first access.
    group_code: Mapped[str] = _name_by_id(WorkingGroup.code, working_group_id)
    project_name: Mapped[str | None] = _name_by_id(Project.name, project_id)
    campaign_name: Mapped[str | None] = _name_by_id(Campaign.name, campaign_id)
    subcampaign_name: Mapped[str | None] = _name_by_id(Subcampaign.name, subcampaign_id)
    requester_name: Mapped[str] = _name_by_id(User.username, requester_id)
    manager_name: Mapped[str | None] = _name_by_id(User.username, manager_id)

    working_group = relationship("WorkingGroup")
    project = relationship("Project")
    campaign = relationship("Campaign")
    subcampaign = relationship("Subcampaign")
    requester = relationship("User", foreign_keys=[requester_id])
    manager = relationship("User", foreign_keys=[manager_id])
    template = relationship("RequestTemplate")
    slices: Mapped[list["Slice"]] = relationship(
        back_populates="request", order_by="Slice.ordinal", cascade="all, delete-orphan"
    )
    history: Mapped[list["RequestHistory"]] = relationship(
        back_populates="request", order_by="RequestHistory.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Request {self.id} {self.status}>"


class Slice(db.Model):
    """One input (dataset or DSID) with its own step chain."""

    __tablename__ = "slices"
    __table_args__ = (sa.Index(None, "request_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("requests.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    #: An input dataset name, or empty when the slice starts from event generation.
    input_dataset: Mapped[str] = mapped_column(sa.String(255), default="")
    #: MC dataset number (DSID) or job-options name, for event generation.
    dsid: Mapped[str] = mapped_column(sa.String(150), default="")
    brief: Mapped[str] = mapped_column(sa.String(150), default="")
    events: Mapped[int | None]
    priority: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.String(512), default="")
    is_hidden: Mapped[bool] = mapped_column(default=False)
    cloned_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("slices.id", ondelete="SET NULL")
    )

    request: Mapped[Request] = relationship(back_populates="slices")
    steps: Mapped[list["Step"]] = relationship(
        back_populates="slice", order_by="Step.ordinal", cascade="all, delete-orphan"
    )


class Step(db.Model):
    """One processing step of a slice (Evgen, Simul, Reco, Deriv...) with its AMI tag."""

    __tablename__ = "steps"
    __table_args__ = (sa.Index(None, "slice_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slice_id: Mapped[int] = mapped_column(sa.ForeignKey("slices.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    step_name: Mapped[str] = mapped_column(sa.String(32))
    ami_tag: Mapped[str] = mapped_column(sa.String(16))
    #: Dot-separated data types, e.g. `AOD` or `DAOD_PHYS.DAOD_PHYSLITE`.
    output_formats: Mapped[str] = mapped_column(sa.String(250))
    status: Mapped[str] = mapped_column(sa.String(20), default=StepStatus.NOT_CHECKED)
    parent_step_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("steps.id", ondelete="SET NULL")
    )
    #: Task configuration: nEventsPerJob, nFilesPerJob, maxAttempt, transPath, transUses...
    task_config: Mapped[dict] = mapped_column(default=dict)

    slice: Mapped[Slice] = relationship(back_populates="steps")
    parent_step: Mapped["Step | None"] = relationship(remote_side=[id])


class RequestHistory(db.Model):
    """The audit log of a request: creation, transitions, edits (field diffs) and comments."""

    __tablename__ = "request_history"
    __table_args__ = (sa.Index(None, "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("requests.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(16))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: For edits: {field: [old, new]}.
    diff: Mapped[dict | None]

    request: Mapped[Request] = relationship(back_populates="history")
    actor = relationship("User")


class Watcher(db.Model):
    __tablename__ = "watchers"
    __table_args__ = (sa.UniqueConstraint("request_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("requests.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: requester, cc or manual (pressed Watch).
    reason: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")
