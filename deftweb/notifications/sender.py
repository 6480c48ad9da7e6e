"""Delivering the outbox: claim due rows, send them by SMTP, record the outcome.

A claim marks rows `sending` with a lease and commits before any mail leaves, so several senders
never send the same row (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the write lock), and a
sender that dies after the claim loses nothing: the lease runs out and another run sends the row.
The dedupe key becomes the Message-ID, so a mail sent twice after a crash is recognisably the same.
"""

import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import sqlalchemy as sa
from flask import current_app

from deftweb.models import OutboxMessage, db

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MAX_RETRY_DELAY = timedelta(hours=6)


@dataclass(frozen=True)
class Envelope:
    """One mail to send, detached from the session (the claim is committed before sending)."""

    message_ids: tuple[int, ...]
    recipient: str
    subject: str
    body: str
    message_id: str


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def _due(now: datetime):
    """Rows to claim: pending and due, or claimed by a sender whose lease ran out."""
    return sa.and_(
        OutboxMessage.status.in_((PENDING, SENDING)), OutboxMessage.next_attempt_at <= now
    )


def _lock(query):
    return query.with_for_update(skip_locked=True)


def claim_immediate(now: datetime, limit: int) -> list[Envelope]:
    """Claim up to `limit` due non-digest messages (the caller commits before sending)."""
    rows = db.session.scalars(
        _lock(
            sa.select(OutboxMessage)
            .where(_due(now), OutboxMessage.digest.is_(False))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    ).all()
    _mark_claimed(rows, now)
    return [
        Envelope((m.id,), m.recipient, m.subject, m.body, _message_id(m.dedupe_key)) for m in rows
    ]


def claim_digests(now: datetime, force: bool = False) -> list[Envelope]:
    """Claim the digest messages of every recipient whose oldest one waited a digest period."""
    period = timedelta(hours=current_app.config["NOTIFY_DIGEST_HOURS"])
    rows = db.session.scalars(
        _lock(
            sa.select(OutboxMessage)
            .where(_due(now), OutboxMessage.digest.is_(True))
            .order_by(OutboxMessage.recipient, OutboxMessage.id)
        )
    ).all()
    by_recipient: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        by_recipient.setdefault(row.recipient.lower(), []).append(row)
    ready = [ms for ms in by_recipient.values() if force or ms[0].created_at <= now - period]
    _mark_claimed([m for ms in ready for m in ms], now)
    return [_digest_envelope(ms, now) for ms in ready]


def _digest_envelope(messages: list[OutboxMessage], now: datetime) -> Envelope:
    parts = [f"{m.subject}\n\n{_without_footer(m.body)}" for m in messages]
    body = (f"\n\n{'=' * 60}\n\n").join(parts)
    body += "\n--\nYou get one digest a day; choose immediate mail in your profile.\n"
    subject = f"[deftweb] Daily digest: {len(messages)} request update(s)"
    key = f"digest:{messages[0].id}-{messages[-1].id}:{len(messages)}"
    return Envelope(
        tuple(m.id for m in messages), messages[0].recipient, subject, body, _message_id(key)
    )


def _without_footer(body: str) -> str:
    return body.split("\n--\n")[0].strip()


def _mark_claimed(rows: list[OutboxMessage], now: datetime) -> None:
    lease = timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
    for row in rows:
        row.status = SENDING
        row.attempts += 1
        row.next_attempt_at = now + lease
    db.session.flush()


def _message_id(key: str) -> str:
    return "<" + key.replace(":", ".") + "@deftweb>"


def deliver(envelopes: list[Envelope], now: datetime) -> Outcome:
    """Send the envelopes over one SMTP connection; a failure is recorded per envelope."""
    outcome = Outcome()
    if not envelopes:
        return outcome
    config = current_app.config
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        for envelope in envelopes:
            outcome.failed.update(dict.fromkeys(envelope.message_ids, _describe(error)))
        return outcome
    with smtp:
        for envelope in envelopes:
            try:
                smtp.send_message(_email(envelope, config["MAIL_FROM"], now))
                outcome.sent.extend(envelope.message_ids)
            except Exception as error:
                # (a header the email package refuses raises ValueError while the mail is built)
                outcome.failed.update(dict.fromkeys(envelope.message_ids, _describe(error)))
    return outcome


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    if config["SMTP_STARTTLS"]:
        smtp.starttls()
    if config["SMTP_USERNAME"]:
        smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    return smtp


def _email(envelope: Envelope, sender: str, now: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = envelope.recipient
    mail["Subject"] = envelope.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = envelope.message_id
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(envelope.body)
    return mail


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def record_outcome(outcome: Outcome, now: datetime) -> None:
    """Mark sent rows sent, and schedule failed ones again with backoff (or give up)."""
    if outcome.sent:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(outcome.sent))
            .values(status=SENT, sent_at=now, last_error="")
        )
    config = current_app.config
    for row in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(list(outcome.failed)))
    ):
        row.last_error = outcome.failed[row.id]
        if row.attempts >= config["NOTIFY_MAX_ATTEMPTS"]:
            row.status = FAILED
        else:
            delay = timedelta(seconds=config["NOTIFY_RETRY_SECONDS"] * 2 ** (row.attempts - 1))
            row.status = PENDING
            row.next_attempt_at = now + min(delay, MAX_RETRY_DELAY)
    db.session.flush()
