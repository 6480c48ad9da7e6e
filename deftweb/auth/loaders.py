"""Who sent this request: the session cookie, or for an API call a personal token or a client
certificate (per request, no session); and the answer to a request that needs a sign-in."""

from flask import flash, g, redirect, request, url_for
from flask_login import LoginManager

from deftweb.auth import x509
from deftweb.auth.api_tokens import find_valid_token
from deftweb.auth.identity import IdentityRefused, user_for_certificate
from deftweb.auth.sessions import SAFE_METHODS, is_api_request, load_user
from deftweb.errors import problem_response, wants_json
from deftweb.htmx import is_htmx
from deftweb.models import User, utcnow


def init_login_manager(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.request_loader(load_api_client)
    manager.unauthorized_handler(unauthorized)


def unauthorized():
    """Not signed in: JSON clients get a 401 problem, people the sign-in page."""
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


def load_api_client(_request) -> User | None:
    """An API call signed by a personal token or a client certificate (no session).

    Use is recorded only on unsafe requests: they hold the write lock and commit; a GET must not
    write.
    """
    if not is_api_request():
        return None
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
