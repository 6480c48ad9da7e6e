"""Login sessions: the cookie names a user and their session token, checked on every request.

Changing `User.session_token` (logout, disable, role change) ends every session of that user on
the next request, although the cookie itself is signed client-side state.
"""

import hmac

from flask import flash, redirect, request, url_for
from flask_login import LoginManager, login_user, logout_user

from deftweb.models import User, db, new_session_token, utcnow


def init_login_manager(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)


def unauthorized():
    """Not signed in: JSON clients get a 401 problem, people the sign-in page."""
    from deftweb.errors import problem_response, wants_json

    if wants_json():
        return problem_response(401, "Unauthorized", "Sign in, or send an API token.")
    flash("Please sign in to see this page.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def load_user(cookie_id: str) -> User | None:
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user


def start_session(user: User) -> None:
    """Sign `user` in on this browser (the caller commits)."""
    user.last_login_at = utcnow()
    db.session.flush()
    login_user(user)


def end_all_sessions(user: User) -> None:
    """Make every existing login cookie of `user` invalid (the caller commits)."""
    user.session_token = new_session_token()
    db.session.flush()


def end_session(user: User) -> None:
    """Sign out here, and everywhere: the user's other cookies stop working too."""
    end_all_sessions(user)
    logout_user()
