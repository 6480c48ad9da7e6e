"""User accounts as admins manage them: find, create, disable or enable."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from deftweb import audit
from deftweb.auth.sessions import end_all_sessions
from deftweb.errors import InvalidInput, NotAllowed
from deftweb.field_checks import CONTROL
from deftweb.models import Membership, NotifyMode, User, db
from deftweb.models.users import LOGIN_NAME

PAGE_SIZE = 50


def search_users(text: str = "", limit: int = PAGE_SIZE) -> list[User]:
    """Users whose login, name or e-mail contains `text`, with roles and groups loaded."""
    query = sa.select(User).options(
        selectinload(User.roles),
        selectinload(User.memberships).selectinload(Membership.working_group),
    )
    text = text.strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(User.username).like(pattern),
                sa.func.lower(User.display_name).like(pattern),
                sa.func.lower(sa.func.coalesce(User.email, "")).like(pattern),
            )
        )
    return list(db.session.scalars(query.order_by(User.username).limit(limit)))


def create_user(actor: User, username: str, display_name: str, email: str | None) -> User:
    """An account made by hand, e.g. for a robot certificate; SSO links to it by login name."""
    username, display_name = username.strip(), " ".join(display_name.split())
    if not LOGIN_NAME.fullmatch(username):
        raise InvalidInput(
            "A login name is up to 64 letters, digits and . _ @ + -, starting with a letter or "
            "digit: the form single sign-on gives.",
            "/username",
        )
    if not display_name or CONTROL.search(display_name):
        raise InvalidInput("Give a display name on one line.", "/display_name")
    taken = db.session.scalar(sa.select(User.id).where(User.username == username))
    if taken:
        raise InvalidInput(f"There is already a user {username}.", "/username")
    user = User(username=username, display_name=display_name, email=(email or "").strip() or None)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, user, "user_created", username=username)
    return user


def set_active(actor: User, user: User, active: bool) -> None:
    """Disable (ending every session at once) or enable an account."""
    if actor.id == user.id and not active:
        raise NotAllowed("You cannot disable your own account.", "/active")
    if user.is_active == active:
        return
    user.is_active = active
    audit.record(actor, user, "user_enabled" if active else "user_disabled")
    end_all_sessions(user)


def set_notify_mode(user: User, mode: str) -> None:
    """Immediate e-mails, or one digest a day."""
    if mode not in set(NotifyMode):
        raise InvalidInput(f"Choose one of {', '.join(NotifyMode)}.", "/mode")
    if user.notify_mode != mode:
        audit.record(user, user, "notify_mode_set", mode=mode)
        user.notify_mode = mode
        db.session.flush()
