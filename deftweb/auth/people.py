"""Queries about users shared by several pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from deftweb.models import Membership, User, db


def list_users_for_dev_login() -> list[User]:
    """Every active user, with roles and memberships loaded, demo users first."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_active)
            .options(
                selectinload(User.roles),
                selectinload(User.memberships).selectinload(Membership.working_group),
            )
            .order_by(User.username.startswith("demo-").desc(), User.username)
        )
    )
