"""Who may do what: plain predicates, deny by default, used by pages and the API alike.

Each predicate takes the user (possibly anonymous) and the object and returns a bool. Routes call
`require(predicate(...))` right after loading the object.
"""

from flask import abort

from deftweb.models import User


def is_signed_in(user) -> bool:
    return isinstance(user, User) and user.is_active


def can_view_request(user, request) -> bool:
    return is_signed_in(user) and request is not None


def can_view_task(user, task) -> bool:
    return is_signed_in(user) and task is not None


def require(allowed: bool, message: str = "You may not do this.") -> None:
    """Stop with 403 unless `allowed`."""
    if not allowed:
        abort(403, message)
