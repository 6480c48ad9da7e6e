"""Admin pages: users (search, create, disable), their global roles, memberships and identities;
working groups and their members.

Every change goes through a service that writes an audit row and, when what the user may do
changes, ends their open sessions.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.accounts import users as account_users
from deftweb.auth import grants, policy
from deftweb.auth.identity import link_certificate, unlink_identity
from deftweb.auth.x509 import canonical_dn
from deftweb.errors import show_refusals_in
from deftweb.models import (
    AuditEvent,
    GlobalRole,
    Identity,
    Membership,
    MembershipRole,
    User,
    WorkingGroup,
    db,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_ROWS = 30


@bp.before_request
@login_required
def _admins_only():
    policy.require(policy.can_admin(current_user), "Only admins may open the admin pages.")


@bp.get("/users")
def users():
    return _users_page()


def _users_page(status: int = 200, errors: dict | None = None):
    query = request.args.get("q", "")
    html = render_template(
        "admin/users.html",
        users=account_users.search_users(query),
        query=query,
        form=request.form if errors else {},
        errors=errors or {},
    )
    return html, status, _stay_at(url_for("admin.users", q=query or None))


@bp.post("/users")
def create_user():
    form = request.form
    show_refusals_in(lambda refusal: _users_page(422, {"username": refusal.message}))
    user = account_users.create_user(
        current_user, form.get("username", ""), form.get("display_name", ""), form.get("email")
    )
    db.session.commit()
    flash(f"User {user.username} created.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.get("/users/<id:user_id>")
def user(user_id: int):
    return _user_page(db.get_or_404(User, user_id))


def _user_page(user: User, status: int = 200, errors: dict | None = None):
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id))
        .order_by(AuditEvent.id.desc())
        .limit(AUDIT_ROWS)
    )
    html = render_template(
        "admin/user.html",
        user=user,
        global_roles=list(GlobalRole),
        group_roles=list(MembershipRole),
        groups=db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.code)).all(),
        events=list(events),
        form=request.form if errors else {},
        errors=errors or {},
    )
    return html, status, _stay_at(url_for("admin.user", user_id=user.id))


def _change(user: User, change, done: str, field: str):
    """Apply one change; on refusal show the page again with the message next to `field` (the
    form that was posted)."""
    show_refusals_in(lambda refusal: _user_page(user, 422, {field: refusal.message}))
    change()
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/users/<id:user_id>/active")
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    verb = "enabled" if active else "disabled; their sessions have ended"
    return _change(
        user,
        lambda: account_users.set_active(current_user, user, active),
        f"{user.username} {verb}.",
        "active",
    )


@bp.post("/users/<id:user_id>/roles")
def grant_role(user_id: int):
    user = db.get_or_404(User, user_id)
    role = request.form.get("role", "")
    return _change(
        user, lambda: grants.grant_role(current_user, user, role), f"{role} granted.", "role"
    )


@bp.post("/users/<id:user_id>/roles/<role>/revoke")
def revoke_role(user_id: int, role: str):
    user = db.get_or_404(User, user_id)
    return _change(
        user, lambda: grants.revoke_role(current_user, user, role), f"{role} revoked.", "role"
    )


@bp.post("/users/<id:user_id>/memberships")
def set_membership(user_id: int):
    user = db.get_or_404(User, user_id)
    group = _group_or_404(request.form.get("group", ""))
    role = request.form.get("role") or None
    done = f"{group.code}: {role}." if role else f"Membership of {group.code} removed."
    return _change(
        user, lambda: grants.set_membership(current_user, user, group, role), done, "membership"
    )


@bp.post("/users/<id:user_id>/identities")
def link_dn(user_id: int):
    user = db.get_or_404(User, user_id)

    def link():
        link_certificate(current_user, user, canonical_dn(request.form.get("dn", "")))

    return _change(user, link, "Certificate linked.", "dn")


@bp.post("/identities/<id:identity_id>/unlink")
def unlink(identity_id: int):
    identity = db.get_or_404(Identity, identity_id)
    user = identity.user
    return _change(
        user, lambda: unlink_identity(current_user, identity), "Identity unlinked.", "identity"
    )


@bp.get("/groups")
def groups():
    counts = dict(
        db.session.execute(
            sa.select(
                Membership.working_group_id, sa.func.count(sa.distinct(Membership.user_id))
            ).group_by(Membership.working_group_id)
        ).all()
    )
    all_groups = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.code)).all()
    return render_template("admin/groups.html", groups=all_groups, counts=counts)


@bp.get("/groups/<code>")
def group(code: str):
    return _group_page(_group_or_404(code))


def _group_page(group: WorkingGroup, status: int = 200, errors: dict | None = None):
    html = render_template(
        "admin/group.html",
        group=group,
        memberships=grants.memberships_of_group(group),
        group_roles=list(MembershipRole),
        form=request.form if errors else {},
        errors=errors or {},
    )
    return html, status, _stay_at(url_for("admin.group", code=group.code))


@bp.post("/groups/<code>/members")
def add_member(code: str):
    group = _group_or_404(code)
    username = request.form.get("username", "").strip()
    user = db.session.scalars(sa.select(User).where(User.username == username)).first()
    if user is None:
        return _group_page(group, 422, {"username": f"There is no user {username!r}."})
    role = request.form.get("role", "")
    show_refusals_in(lambda refusal: _group_page(group, 422, {"username": refusal.message}))
    grants.set_membership(current_user, user, group, role)
    db.session.commit()
    flash(f"{user.username} is now {role} of {group.code}.", "success")
    return redirect(url_for("admin.group", code=group.code))


def _stay_at(page_url: str) -> dict:
    """A form answered with the page: keep the page's address (a reload must not re-POST)."""
    return {"HX-Push-Url": page_url} if request.method == "POST" else {}


def _group_or_404(code: str) -> WorkingGroup:
    group = db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.code == code)).first()
    if group is None:
        abort(404, f"No working group {code!r}.")
    return group
