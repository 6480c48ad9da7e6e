"""A refused workflow change as an HTTP error: the service's message, and the field it is about."""

from flask_smorest import abort

from deftweb.services.workflow import WorkflowError


def refuse(error: WorkflowError):
    """Answer 403, 409 or 422 with the service's message (a problem detail or an error page)."""
    errors = [{"pointer": error.pointer, "detail": error.message}] if error.pointer else None
    abort(error.status_code, message=error.message, errors=errors)
