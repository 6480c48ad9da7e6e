"""What a route acts on, loaded with its access check (flaskr's `get_post(id, check_author)`)."""

import sqlalchemy as sa
from flask_login import current_user

from deftweb.auth import policy
from deftweb.models import db


def get_allowed(model, object_id: int, check, noun: str, *, options=(), refused=policy.REFUSED):
    """The `model` row `object_id` (404 "There is no <noun> <id>." if none), if
    `check(current_user, row)` allows it (403 with `refused` if not)."""
    query = sa.select(model).where(model.id == object_id).options(*options)
    found = db.first_or_404(query, description=f"There is no {noun} {object_id}.")
    policy.require(check(current_user, found), refused)
    return found
