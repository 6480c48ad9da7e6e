"""Login sessions: the cookie names a user and their session token, checked on every request.

Changing `User.session_token` (logout, disable, role change) ends every session of that user on
the next request, although the cookie itself is signed client-side state. A session also ends
after `SESSION_IDLE_TIMEOUT` without a request and `SESSION_MAX_AGE` after sign-in.

API clients send `Authorization: Bearer <token>` or present a client certificate, per request,
and get no session cookie.
"""

import hmac
import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, login_user, logout_user
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


def init_login_manager(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.request_loader(load_api_client)
    manager.unauthorized_handler(unauthorized)


def unauthorized():
    """Not signed in: JSON clients get a 401 problem, people the sign-in page."""
    from deftweb.errors import problem_response, wants_json
    from deftweb.htmx import is_htmx

    if wants_json():
        if g.get("certificate_refused"):  # a verified certificate that no account owns
            return problem_response(403, "Forbidden", g.certificate_refused)
        response = problem_response(401, "Unauthorized", "Sign in, or send an API token.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="deftweb"'
        return response
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if is_htmx():  # an XHR must not follow a redirect towards the IdP
        return "", 401, {"HX-Redirect": login_url}
    flash("Please sign in to see this page.", "info")
    return redirect(login_url)


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


def load_api_client(_request) -> User | None:
    """An API call signed by a personal token or a client certificate (no session).

    Use is recorded only on unsafe requests: they hold the write lock and commit; a GET must not
    write.
    """
    if not is_api_request():
        return None
    from deftweb.auth import x509
    from deftweb.auth.identity import IdentityRefused, user_for_certificate
    from deftweb.services.api_tokens import find_valid_token

    writes = request.method not in SAFE_METHODS
    header = request.headers.get("Authorization", "")
    if header:
        g.auth_method = "token"
        scheme, _, secret = header.partition(" ")
        token = find_valid_token(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return None
        if writes:
            token.last_used_at = utcnow()
        return token.user
    dn = x509.presented_dn()
    if dn is None:
        return None
    try:
        user = user_for_certificate(dn, record_use=writes)
    except IdentityRefused as refusal:
        g.certificate_refused = str(refusal)
        return None
    g.auth_method = "x509"
    return user


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
