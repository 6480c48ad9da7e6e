"""Deny by default: every endpoint needs a signed-in user, except the few that must be public.

Views still say `@login_required` (and check policy); this gate makes a forgotten decorator, or a
decorator that runs after argument parsing, fail closed.
"""

from flask import current_app, request
from flask_login import current_user

#: What an anonymous visitor may reach: signing in, health checks, the API description.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "auth.login",
        "auth.dev_login_form",
        "auth.dev_login",
        "auth.saml_login",
        "auth.saml_acs",
        "auth.saml_sls",
        "auth.saml_metadata",
        "auth.x509_login",
        "health.healthz",
        "health.readyz",
        "api-docs.openapi_json",
    }
)


def require_sign_in():
    """Before every request (after the write lock is taken: loading the user reads the DB)."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None  # no route (404/405 follow), or public
    if current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()
