"""The profile page: one's identities, certificate linking, API tokens, notification mode."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.accounts.users import set_notify_mode
from deftweb.auth import api_tokens, policy, x509
from deftweb.auth.identity import link_certificate
from deftweb.errors import show_refusals_in
from deftweb.models import ApiToken, NotifyMode, db

bp = Blueprint("profile", __name__, url_prefix="/profile")

DEFAULT_TOKEN_DAYS = 90


@bp.get("")
@login_required
def page():
    return _render()


def _render(status: int = 200, errors: dict | None = None, new_secret: str | None = None):
    user = current_user
    dn = x509.presented_dn()
    linked = {i.identifier for i in user.identities}
    html = render_template(
        "profile/page.html",
        user=user,
        tokens=api_tokens.tokens_of(user),
        presented_dn=dn if dn and dn not in linked else None,
        may_link=policy.can_link_presented_certificate(user, g.get("auth_method")),
        certificates_on=bool(current_app.config["TRUSTED_PROXIES"]),
        notify_modes=list(NotifyMode),
        form=request.form if errors else {},
        errors=errors or {},
        new_secret=new_secret,
        default_days=DEFAULT_TOKEN_DAYS,
        max_days=current_app.config["API_TOKEN_MAX_DAYS"],
    )
    # a boosted form keeps the page's own address, so a reload shows the page, not a re-POST
    headers = {"HX-Push-Url": url_for("profile.page")}
    if new_secret:
        headers["Cache-Control"] = "no-store"
    return html, status, headers


@bp.post("/certificate")
@login_required
def link_presented_certificate():
    policy.require(
        policy.can_link_presented_certificate(current_user, g.get("auth_method")),
        "Sign in with CERN single sign-on to link a certificate.",
    )
    dn = x509.presented_dn()
    if dn is None:
        return _render(422, {"certificate": "No verified certificate came with this request."})
    show_refusals_in(lambda refusal: _render(422, {"certificate": refusal.message}))
    link_certificate(current_user, current_user, dn)
    db.session.commit()
    flash(f"Certificate {dn} linked: you can now sign in with it.", "success")
    return redirect(url_for("profile.page"))


@bp.post("/tokens")
@login_required
def create_token():
    days = request.form.get("days", type=int) or 0
    show_refusals_in(lambda refusal: _render(422, {refusal.field: refusal.message}))
    _token, secret = api_tokens.create_token(
        current_user,
        request.form.get("name", ""),
        days,
        current_app.config["API_TOKEN_MAX_DAYS"],
    )
    db.session.commit()
    return _render(201, new_secret=secret)


@bp.post("/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    policy.require(policy.can_revoke_token(current_user, token))
    api_tokens.revoke_token(current_user, token)
    db.session.commit()
    flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("profile.page"))


@bp.post("/notifications")
@login_required
def notifications():
    show_refusals_in(lambda refusal: _render(422, {"mode": refusal.message}))
    set_notify_mode(current_user, request.form.get("mode", ""))
    db.session.commit()
    flash("Notification setting saved.", "success")
    return redirect(url_for("profile.page"))
