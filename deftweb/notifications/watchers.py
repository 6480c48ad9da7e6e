"""Who hears about a request, and the outbox rows that tell them.

The watchers of a request are its requester, the addresses in its cc list and everyone who pressed
Watch. Every history row (transition, edit, comment) writes one outbox row per watcher, except the
person who acted, in the same transaction; `notifications.sender` delivers them later.
"""

import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from deftweb.models import (
    NotifyMode,
    OutboxMessage,
    Request,
    RequestHistory,
    User,
    Watcher,
    db,
)

MANUAL = "manual"
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


@dataclass(frozen=True)
class Recipient:
    address: str
    user: User | None
    #: requester, cc or manual: said at the foot of the e-mail.
    reason: str


def cc_addresses(request: Request) -> list[str]:
    """The valid e-mail addresses in the request's cc field, lower-cased, in order."""
    return list(dict.fromkeys(a.lower() for a in _ADDRESS.findall(request.cc or "")))


def watchers_of(request: Request) -> list[Recipient]:
    """Everyone told about the request, once each: requester, cc list, then manual watchers."""
    found: dict[str, Recipient] = {}

    def add(user: User | None, address: str | None, reason: str) -> None:
        if address and address.lower() not in found:
            found[address.lower()] = Recipient(address, user, reason)

    add(request.requester, request.requester.email, "requester")
    cc = cc_addresses(request)
    cc_users = _users_by_email(cc)
    for address in cc:
        add(cc_users.get(address), address, "cc")
    for watcher in _manual_watchers(request):
        add(watcher.user, watcher.user.email, MANUAL)
    return list(found.values())


def _users_by_email(addresses: list[str]) -> dict[str, User]:
    if not addresses:
        return {}
    users = db.session.scalars(sa.select(User).where(sa.func.lower(User.email).in_(addresses)))
    return {u.email.lower(): u for u in users}


def _manual_watchers(request: Request) -> list[Watcher]:
    return list(
        db.session.scalars(
            sa.select(Watcher)
            .where(Watcher.request_id == request.id)
            .options(joinedload(Watcher.user))
            .order_by(Watcher.id)
        )
    )


def watch_reason(request: Request, user: User) -> str | None:
    """Why `user` is told about this request (requester, cc or manual), or None."""
    email = (user.email or "").lower()
    for recipient in watchers_of(request):
        if recipient.user is user or recipient.address.lower() == email:
            return recipient.reason
    return None


def is_watching(request: Request, user: User) -> bool:
    """Told about this request, whether named on it or by pressing Watch."""
    return watch_reason(request, user) is not None


def watch(request: Request, user: User) -> None:
    """Add `user` to the watchers (a second press changes nothing)."""
    if _watch_row(request, user) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(Watcher(request_id=request.id, user_id=user.id, reason=MANUAL))
    except IntegrityError:  # a concurrent press won the race: the row exists, as wanted
        pass


def unwatch(request: Request, user: User) -> None:
    """Stop telling `user`, unless they are named on the request (requester or cc)."""
    row = _watch_row(request, user)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def _watch_row(request: Request, user: User) -> Watcher | None:
    return db.session.scalar(
        sa.select(Watcher).where(Watcher.request_id == request.id, Watcher.user_id == user.id)
    )


def tell_watchers(request: Request, entry: RequestHistory) -> list[OutboxMessage]:
    """Write one outbox row per watcher (not the actor) for history row `entry`."""
    actor_email = (entry.actor.email or "").lower() if entry.actor else None
    subject, body = _render(request, entry)
    messages = []
    for recipient in watchers_of(request):
        if recipient.address.lower() == actor_email:
            continue
        digest = recipient.user is not None and recipient.user.notify_mode == NotifyMode.DIGEST
        message = OutboxMessage(
            dedupe_key=f"history:{entry.id}:{_short_hash(recipient.address.lower())}",
            user_id=recipient.user.id if recipient.user else None,
            recipient=recipient.address,
            subject=subject,
            body=body + _footer(recipient),
            request_id=request.id,
            digest=digest,
        )
        messages.append(message)
    db.session.add_all(messages)
    db.session.flush()
    return messages


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _render(request: Request, entry: RequestHistory) -> tuple[str, str]:
    verb = {
        "transition": f"{entry.from_status} → {entry.to_status}",
        "edit": "edited",
        "comment": "new comment",
    }.get(entry.kind, entry.kind)
    subject = f"[deftweb] Request {request.id} {verb}: {request.description}"[:300]
    link = current_app.config["PUBLIC_URL"].rstrip("/") + f"/requests/{request.id}"
    body = render_template("mail/request_event.txt", req=request, entry=entry, link=link)
    return subject, body


def _footer(recipient: Recipient) -> str:
    why = {
        "requester": "you filed this request",
        "cc": "your address is in the request's cc list",
        MANUAL: "you watch this request",
    }[recipient.reason]
    return f"\n--\nYou get this because {why}.\n"
