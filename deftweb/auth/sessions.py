"""Login sessions: the cookie names a user and their session token, checked on every request.

Changing `User.session_token` (logout, disable, role change) ends every session of that user on
the next request, although the cookie itself is signed client-side state. A session also ends
after `SESSION_IDLE_TIMEOUT` without a request and `SESSION_MAX_AGE` after sign-in.

API clients get no session cookie: `deftweb.auth.loaders` signs each of their requests in.
"""

import hmac
import time

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from deftweb.api import API_PREFIX
from deftweb.models import Membership, User, db, new_session_token, utcnow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Seconds between updates of the last-seen time (each update re-sends the cookie).
SEEN_RESOLUTION = 60
#: What the policy predicates read, loaded with the user in one statement (not three per page).
PERMISSION_LOAD = (
    joinedload(User.roles),
    joinedload(User.memberships).joinedload(Membership.working_group),
)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/")


def load_user(cookie_id: str) -> User | None:
    if is_api_request() and "Authorization" in request.headers:
        return None  # the token decides, not a cookie that happens to come along
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token or not _within_lifetimes():
        return None
    user = db.session.get(User, int(user_id), options=PERMISSION_LOAD)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    g.auth_method = session.get("auth_method")
    return user


def _within_lifetimes() -> bool:
    """Check the idle and absolute lifetimes; note this request as the last seen one."""
    now = int(time.time())
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    config = current_app.config
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    if now - login_at > config["SESSION_MAX_AGE"] or now - seen_at > config["SESSION_IDLE_TIMEOUT"]:
        session.clear()
        return False
    if now - seen_at >= SEEN_RESOLUTION:
        session["seen_at"] = now
    return True


def start_session(user: User, method: str, extra: dict | None = None) -> None:
    """Sign `user` in on this browser with a fresh session (the caller commits)."""
    user.last_login_at = utcnow()
    db.session.flush()
    session.clear()  # nothing from before sign-in carries over
    login_user(user)
    now = int(time.time())
    session.permanent = True
    session.update({"login_at": now, "seen_at": now, "auth_method": method, **(extra or {})})


def end_all_sessions(user: User) -> None:
    """Make every existing login cookie of `user` invalid (the caller commits)."""
    user.session_token = new_session_token()
    db.session.flush()


def end_session(user: User) -> None:
    """Sign out here, and everywhere: the user's other cookies stop working too."""
    end_all_sessions(user)
    logout_user()
    session.clear()
