"""Security headers on every response: a strict CSP (no inline code, no eval), HSTS and friends.

The templates carry no inline script or style and htmx is configured in base.html for this policy
(no indicator styles, no eval), so `'self'` is all the page needs.
"""

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_login import current_user

from deftweb.auth.saml import configured_settings
from deftweb.auth.sessions import is_api_request

#: Directives of the Content-Security-Policy; `form-action` gains the IdP's origin (see below).
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # The pages use no camera, microphone, location, payment, USB or sensors: nor may an embed.
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), "
        "gyroscope=(), magnetometer=()"
    ),
}


def content_security_policy(extra_form_action: list[str] = ()) -> str:
    directives = dict(CSP_DIRECTIVES)
    if extra_form_action:
        directives["form-action"] = " ".join(["'self'", *extra_form_action])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def idp_origins(saml_settings: dict | None) -> list[str]:
    """Origins of the IdP's sign-in and sign-out URLs: sign-out POSTs here and is redirected there,
    and browsers check form-action on that redirect too."""
    idp = (saml_settings or {}).get("idp", {})
    urls = [
        idp.get("singleSignOnService", {}).get("url"),
        idp.get("singleLogoutService", {}).get("url"),
    ]
    origins = []
    for url in filter(None, urls):
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.netloc and f"https://{parts.netloc}" not in origins:
            origins.append(f"https://{parts.netloc}")
    return origins


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["deftweb_csp"])
    if current_app.config["HSTS_MAX_AGE"]:
        headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={current_app.config['HSTS_MAX_AGE']}; includeSubDomains",
        )
    for name, value in STATIC_HEADERS.items():
        headers.setdefault(name, value)
    if request.endpoint != "static" and (is_api_request() or current_user.is_authenticated):
        # what a signed-in person or an API client reads stays out of every cache
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_security_headers(app: Flask) -> None:
    app.extensions["deftweb_csp"] = content_security_policy(idp_origins(configured_settings(app)))
    app.after_request(add_security_headers)
