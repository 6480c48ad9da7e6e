"""Tasks, the JEDI hand-off table (DEFT's T_TASK) and the commands deftweb sends JEDI."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deftweb.models.base import TaskId, db, utcnow


class TaskStatus(StrEnum):
    """The DEFT task status set (JEDI's plus DEFT-only `obsolete`)."""

    WAITING = "waiting"
    STAGING = "staging"
    REGISTERED = "registered"
    ASSIGNING = "assigning"
    SUBMITTING = "submitting"
    READY = "ready"
    PENDING = "pending"
    SCOUTING = "scouting"
    RUNNING = "running"
    PAUSED = "paused"
    THROTTLED = "throttled"
    EXHAUSTED = "exhausted"
    FINISHING = "finishing"
    DONE = "done"
    FINISHED = "finished"  # partly successful
    TORETRY = "toretry"
    TOABORT = "toabort"
    ABORTING = "aborting"
    FAILED = "failed"
    BROKEN = "broken"
    ABORTED = "aborted"
    OBSOLETE = "obsolete"


ENDED_TASK_STATUSES = (
    TaskStatus.DONE,
    TaskStatus.FINISHED,
    TaskStatus.FAILED,
    TaskStatus.BROKEN,
    TaskStatus.ABORTED,
    TaskStatus.OBSOLETE,
)


class Task(db.Model):
    """A production task, as deftweb knows it; JEDI's view of it is synced in from the hand-off."""

    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index(None, "status", "id"),
        sa.Index(None, "working_group", "id"),
        sa.Index(None, "project", "id"),
        sa.Index(None, "campaign", "id"),
        sa.Index(None, "request_id", "id"),
        sa.Index(None, "chain_id"),
        sa.Index(None, "parent_id"),
        sa.Index(None, "updated_at"),
    )

    #: The JEDI task id, from the task id sequence (`deftweb.tasks.ids`).
    id: Mapped[int] = mapped_column(TaskId, primary_key=True, autoincrement=False)
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requests.id"))
    slice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("slices.id", ondelete="SET NULL"))
    step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("steps.id", ondelete="SET NULL"))
    #: The task whose output this one reads; the first task of a chain has none.
    parent_id: Mapped[int | None] = mapped_column(TaskId)
    #: The id of the chain's first task, shared by every task of the chain (meta-task).
    chain_id: Mapped[int | None] = mapped_column(TaskId)
    #: project.number.brief.prod_step.version
    name: Mapped[str] = mapped_column(sa.String(255))
    project: Mapped[str] = mapped_column(sa.String(60))
    username: Mapped[str] = mapped_column(sa.String(64))
    #: Provenance and group, as JEDI's workingGroup: AP_HIGG, GP_SUSY...
    working_group: Mapped[str] = mapped_column(sa.String(16))
    campaign: Mapped[str] = mapped_column(sa.String(64), default="")
    step_name: Mapped[str] = mapped_column(sa.String(32), default="")
    ami_tag: Mapped[str] = mapped_column(sa.String(16), default="")
    output_formats: Mapped[str] = mapped_column(sa.String(250), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=TaskStatus.WAITING)
    priority: Mapped[int] = mapped_column(default=0)
    total_events: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    processed_events: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total_jobs: Mapped[int] = mapped_column(default=0)
    done_jobs: Mapped[int] = mapped_column(default=0)
    failed_jobs: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request = relationship("Request")
    step = relationship("Step")

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.status}>"


class JediTask(db.Model):
    """The hand-off row JEDI reads (like DEFT's T_TASK); JEDI writes status and counters back."""

    __tablename__ = "jedi_tasks"
    __table_args__ = (sa.Index(None, "status"), sa.Index(None, "jedi_updated_at"))

    task_id: Mapped[int] = mapped_column(
        TaskId, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(sa.String(16), default=TaskStatus.WAITING)
    parent_tid: Mapped[int | None] = mapped_column(TaskId)
    chain_tid: Mapped[int | None] = mapped_column(TaskId)
    name: Mapped[str] = mapped_column(sa.String(255))
    username: Mapped[str] = mapped_column(sa.String(64))
    vo: Mapped[str] = mapped_column(sa.String(16), default="atlas")
    prod_source_label: Mapped[str] = mapped_column(sa.String(20), default="managed")
    priority: Mapped[int] = mapped_column(default=0)
    #: The JEDI task parameters: taskName, userName, workingGroup, transPath, nEventsPerJob...
    parameters: Mapped[dict]
    total_events: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    processed_events: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total_jobs: Mapped[int] = mapped_column(default=0)
    done_jobs: Mapped[int] = mapped_column(default=0)
    failed_jobs: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When JEDI (or an operator) last wrote status or counters.
    jedi_updated_at: Mapped[datetime | None]
    #: When deftweb last copied this row into `tasks`.
    synced_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship()


class JediCommand(db.Model):
    """A task action for JEDI to carry out: abort, finish, retry, changePriority, obsolete."""

    __tablename__ = "jedi_commands"
    __table_args__ = (sa.Index(None, "status", "id"), sa.Index(None, "task_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(TaskId)
    command: Mapped[str] = mapped_column(sa.String(32))
    arguments: Mapped[dict] = mapped_column(default=dict)
    #: new -> taken -> done / failed (written by JEDI's side).
    status: Mapped[str] = mapped_column(sa.String(16), default="new")
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(sa.Text, default="")
