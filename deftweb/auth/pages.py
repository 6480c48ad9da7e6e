"""Sign-in pages: the chooser, CERN SSO (SAML), certificates, the development login, sign-out."""

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from deftweb.auth import saml, x509
from deftweb.auth.identity import IdentityRefused, find_identity, user_for_certificate, user_for_sso
from deftweb.auth.next_url import safe_next_url
from deftweb.auth.people import list_users_for_dev_login
from deftweb.auth.sessions import end_all_sessions, end_session, start_session
from deftweb.database import begin_write
from deftweb.extensions import csrf
from deftweb.models import User, db
from deftweb.models.base import stored_integer
from deftweb.models.users import IdentityKind

bp = Blueprint("auth", __name__, url_prefix="/auth")
log = logging.getLogger(__name__)


@bp.get("/login")
def login():
    return render_template(
        "auth/login.html",
        next_url=safe_next_url(request.args.get("next")),
        saml_enabled=saml.is_enabled(),
        x509_enabled=bool(current_app.config["TRUSTED_PROXIES"]),
    )


# --- CERN single sign-on -------------------------------------------------------------------------


@bp.get("/saml/login")
def saml_login():
    _require_saml()
    begin_write()
    idp_url = saml.start_login(request.args.get("next"))
    db.session.commit()
    return redirect(idp_url)


@bp.post("/saml/acs")
@csrf.exempt
def saml_acs():
    """The IdP's cross-site POST: no session cookie comes with it, RelayState finds our request."""
    _require_saml()
    request.max_content_length = current_app.config["SAML_MAX_RESPONSE_BYTES"]
    try:
        info, next_url, logout_data = saml.consume_response()
        user = user_for_sso(info)
    except (saml.SamlRefused, IdentityRefused) as refusal:
        return _refuse_saml(refusal)
    start_session(user, "saml", {"saml": logout_data})
    log.info("SSO sign-in of %s from %s", user.username, request.remote_addr)
    db.session.commit()
    return redirect(next_url)


def _refuse_saml(refusal: Exception):
    """Undo everything, burn the RelayState token, log why and show a plain page."""
    db.session.rollback()
    begin_write()
    saml.discard_pending_request(request.form.get("RelayState", ""))
    db.session.commit()
    log.warning("SSO sign-in refused from %s: %s", request.remote_addr, refusal)
    detail = str(refusal) if isinstance(refusal, IdentityRefused) else None
    return render_template("auth/signin_failed.html", detail=detail), 403


@bp.route("/saml/sls", methods=["GET", "POST"])
@csrf.exempt
def saml_sls():
    """Single logout: the IdP's LogoutRequest (it signs someone out) or its LogoutResponse."""
    _require_saml()
    if request.method == "POST":
        log.warning("SAML logout over HTTP-POST refused: the SP metadata offers HTTP-Redirect")
        abort(400, "Single logout uses the HTTP-Redirect binding.")
    begin_write()
    try:
        name_id, idp_url = saml.process_logout()
    except saml.SamlRefused as refusal:
        log.warning("SAML logout refused from %s: %s", request.remote_addr, refusal)
        return render_template("auth/signin_failed.html", detail=None, logout=True), 403
    identity = name_id and find_identity(IdentityKind.SAML, saml.idp_entity_id(), name_id)
    if identity:
        end_all_sessions(identity.user)
    if current_user.is_authenticated:
        end_session(current_user)
    db.session.commit()
    if idp_url:
        return redirect(idp_url)
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/saml/metadata")
def saml_metadata():
    _require_saml()
    try:
        metadata = saml.sp_metadata()
    except saml.SamlRefused:
        log.exception("the SAML settings give invalid SP metadata")
        abort(500)
    return Response(metadata, mimetype="application/samlmetadata+xml")


def _require_saml() -> None:
    if not saml.is_enabled():
        abort(404)


# --- Certificates --------------------------------------------------------------------------------


@bp.get("/x509/login")
def x509_login():
    if not current_app.config["TRUSTED_PROXIES"]:
        abort(404)
    dn = x509.presented_dn()
    if dn is None:
        abort(
            403,
            "No verified client certificate came with this request. Choose your "
            "certificate when the browser asks, or sign in with CERN single sign-on.",
        )
    begin_write()
    try:
        user = user_for_certificate(dn, record_use=True)
    except IdentityRefused as refusal:
        log.warning("certificate sign-in refused from %s: %s", request.remote_addr, refusal)
        abort(403, str(refusal))
    start_session(user, "x509")
    log.info("certificate sign-in of %s from %s", user.username, request.remote_addr)
    db.session.commit()
    return redirect(safe_next_url(request.args.get("next")))


# --- Development login and sign-out --------------------------------------------------------------


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
    user_id = stored_integer(request.form.get("user_id"), User.id)
    if user_id is None:
        abort(404, "Choose a user of the list.")
    user = db.get_or_404(User, user_id)
    if not user.is_active:
        abort(403, f"{user.username} is disabled.")
    start_session(user, "dev")
    log.info("development sign-in as %s from %s", user.username, request.remote_addr)
    db.session.commit()
    return redirect(safe_next_url(request.form.get("next")))


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere; after SSO, also at the IdP (which comes back to the SLS)."""
    logout_data = session.get("saml")
    end_session(current_user)
    db.session.commit()
    if logout_data and saml.is_enabled():
        idp_url = saml.logout_url(logout_data, url_for("auth.login"))
        if idp_url:
            return redirect(idp_url)
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _require_dev_login() -> None:
    if not current_app.config["DEV_LOGIN"]:
        abort(404)
