"""Sign-in pages: the chooser, the development login, sign-out."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.auth.next_url import safe_next_url
from deftweb.auth.sessions import end_session, start_session
from deftweb.models import User, db
from deftweb.services.people import list_users_for_dev_login

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.get("/login")
def login():
    next_url = safe_next_url(request.args.get("next"))
    return render_template("auth/login.html", next_url=next_url)


@bp.get("/dev-login")
def dev_login_form():
    _require_dev_login()
    next_url = safe_next_url(request.args.get("next"))
    return render_template(
        "auth/dev_login.html", users=list_users_for_dev_login(), next_url=next_url
    )


@bp.post("/dev-login")
def dev_login():
    _require_dev_login()
    user = db.get_or_404(User, request.form.get("user_id", type=int))
    if not user.is_active:
        abort(403, f"{user.username} is disabled.")
    start_session(user)
    db.session.commit()
    return redirect(safe_next_url(request.form.get("next")))


@bp.post("/logout")
@login_required
def logout():
    end_session(current_user)
    db.session.commit()
    return redirect(url_for("auth.login"))


def _require_dev_login() -> None:
    if not current_app.config["DEV_LOGIN"]:
        abort(404)
