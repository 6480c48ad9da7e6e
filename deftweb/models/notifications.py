"""The notification outbox: written in the transaction that caused it, sent afterwards."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from deftweb.models.base import db, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (sa.Index(None, "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Makes a redelivery harmless: one message per (event, recipient).
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("requests.id", ondelete="SET NULL")
    )
    #: Held for the recipient's daily digest instead of sent at once.
    digest: Mapped[bool] = mapped_column(default=False)
    #: pending -> sent, or failed after the last retry.
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
