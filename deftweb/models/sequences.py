"""Task ids: a real SEQUENCE on PostgreSQL; on SQLite a counter row bumped in the write lock."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from deftweb.models.base import db

#: PostgreSQL's task id sequence (like DEFT's PRODSYS2_TASK_ID_SEQ); created by the migrations.
task_id_seq = sa.Sequence("task_id_seq", metadata=db.metadata, start=100_000_000)


class IdCounter(db.Model):
    """SQLite's stand-in for a sequence: `next_value` is the next id to hand out."""

    __tablename__ = "id_counters"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    next_value: Mapped[int] = mapped_column(sa.BigInteger)
