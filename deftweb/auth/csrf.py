"""CSRF protection: Flask-WTF's token on every unsafe request a browser could send cross-site.

API calls that a browser sends cross-site only after a CORS preflight (which deftweb never grants),
such as JSON bodies, DELETE or a request carrying `Authorization`, need no token; scripts could
not get one anyway. Views marked with `csrf.exempt` (the SAML endpoints) are skipped.
"""

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFError, same_origin

from deftweb.auth.sessions import is_api_request
from deftweb.extensions import csrf

#: What a cross-site <form> or no-cors fetch can send without a preflight (Fetch standard).
SIMPLE_METHODS = frozenset({"GET", "HEAD", "POST"})
SIMPLE_CONTENT_TYPES = frozenset(
    {"", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)


def needs_preflight() -> bool:
    """A browser would ask before sending this cross-site."""
    if request.method not in SIMPLE_METHODS or "Authorization" in request.headers:
        return True
    return request.mimetype not in SIMPLE_CONTENT_TYPES


def protect_from_forgery() -> None:
    config = current_app.config
    if not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"]:
        return
    if is_api_request() and needs_preflight():
        return
    csrf.protect(apply_exemptions=True)
    if g.get("csrf_valid") and request.is_secure:
        check_same_origin()


def check_same_origin() -> None:
    """Over https a form post must come from our own pages: its Referer names this host, or, where
    the browser or a privacy setting sent no Referer, its Origin does."""
    here = f"https://{request.host}"
    if request.referrer:
        ours = same_origin(request.referrer, here + "/")
    else:
        ours = request.headers.get("Origin") == here
    if not ours:
        raise CSRFError("The request did not come from this site's pages (Referer or Origin).")


def init_csrf(app: Flask) -> None:
    app.before_request(protect_from_forgery)
