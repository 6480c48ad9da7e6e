"""The dataset registry: datasets and containers, with the task that made them."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deftweb.models.base import TaskId, db, utcnow


class DatasetStatus(StrEnum):
    REGISTERED = "registered"
    PRODUCING = "producing"
    COMPLETE = "complete"
    DELETED = "deleted"  # the name stays taken: names are never reused


container_contents = sa.Table(
    "container_contents",
    db.metadata,
    sa.Column("container_id", sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dataset_id", sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_container_contents_dataset_id", "dataset_id"),
)


class Dataset(db.Model):
    __tablename__ = "datasets"
    __table_args__ = (
        sa.Index(None, "project", "data_type", "id"),
        sa.Index(None, "status", "id"),
        sa.Index(None, "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The full name without scope prefix; unique for ever, even after deletion.
    name: Mapped[str] = mapped_column(sa.String(255), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(25))
    project: Mapped[str] = mapped_column(sa.String(60), default="")
    data_type: Mapped[str] = mapped_column(sa.String(64), default="")
    #: mc, data, physcont, user or group (from the nomenclature module).
    kind: Mapped[str] = mapped_column(sa.String(10))
    is_container: Mapped[bool] = mapped_column(default=False)
    task_id: Mapped[int | None] = mapped_column(TaskId, sa.ForeignKey("tasks.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=DatasetStatus.REGISTERED)
    events: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    files: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    task = relationship("Task")
    contents: Mapped[list["Dataset"]] = relationship(
        secondary=container_contents,
        primaryjoin=id == container_contents.c.container_id,
        secondaryjoin=id == container_contents.c.dataset_id,
        back_populates="containers",
        order_by="Dataset.name",
    )
    containers: Mapped[list["Dataset"]] = relationship(
        secondary=container_contents,
        primaryjoin=id == container_contents.c.dataset_id,
        secondaryjoin=id == container_contents.c.container_id,
        back_populates="contents",
        order_by="Dataset.name",
    )
