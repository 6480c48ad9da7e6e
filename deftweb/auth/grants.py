"""Working-group memberships and global roles: granted by an admin or by the SSO role mapping.

SSO grants (source `sso`) are recomputed at every SSO login from `SAML_ROLE_MAP`; grants an admin
made (source `manual`) live in their own rows and the SSO refresh never touches them.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from deftweb import audit
from deftweb.auth.sessions import end_all_sessions
from deftweb.errors import InvalidInput
from deftweb.models import (
    GlobalRole,
    GrantSource,
    Membership,
    MembershipRole,
    User,
    UserRole,
    WorkingGroup,
    db,
)

log = logging.getLogger(__name__)


def parse_grant(text: str) -> tuple[str | None, str]:
    """`HIGG:convener` -> ("HIGG", "convener"); `admin` -> (None, "admin")."""
    code, _, role = text.strip().rpartition(":")
    if code:
        if role not in set(MembershipRole):
            raise InvalidInput(
                f"{text!r}: a group role is one of {', '.join(MembershipRole)}", "/role"
            )
        return code, role
    if role not in set(GlobalRole):
        raise InvalidInput(f"{text!r}: a global role is one of {', '.join(GlobalRole)}", "/role")
    return None, role


def wanted_sso_grants(sso_roles, role_map: dict) -> tuple[dict[str, str], set[str]]:
    """({group code: strongest role}, {global roles}) that the SSO roles give."""
    groups: dict[str, str] = {}
    roles: set[str] = set()
    for sso_role in sso_roles:
        for grant in role_map.get(sso_role, ()):
            code, role = parse_grant(grant)
            if code is None:
                roles.add(role)
            elif groups.get(code) != MembershipRole.CONVENER:
                groups[code] = role
    return groups, roles


def sync_sso_grants(user: User, sso_roles, role_map: dict) -> bool:
    """Make the user's SSO grants exactly what `sso_roles` map to; True if anything changed."""
    groups, roles = wanted_sso_grants(sso_roles, role_map)
    changed = _sync_sso_memberships(user, groups)
    return _sync_sso_roles(user, roles) or changed


def _sync_sso_memberships(user: User, wanted: dict[str, str]) -> bool:
    changed = False
    held = {m.working_group.code: m for m in user.memberships if m.source == GrantSource.SSO}
    for code, membership in held.items():
        if wanted.get(code) != membership.role:
            audit.record(user, user, "sso_membership_removed", group=code, role=membership.role)
            user.memberships.remove(membership)
            db.session.delete(membership)
            changed = True
    db.session.flush()
    for code, role in wanted.items():
        if code in held and held[code].role == role:
            continue
        group = _group(code)
        if group is None:
            log.warning("SAML_ROLE_MAP names working group %s, which does not exist", code)
            continue
        user.memberships.append(Membership(working_group=group, role=role, source=GrantSource.SSO))
        audit.record(user, user, "sso_membership_added", group=code, role=role)
        changed = True
    return changed


def _sync_sso_roles(user: User, wanted: set[str]) -> bool:
    changed = False
    held = {r.role: r for r in user.roles if r.source == GrantSource.SSO}
    for role, row in held.items():
        if role not in wanted:
            user.roles.remove(row)
            db.session.delete(row)
            audit.record(user, user, "sso_role_removed", role=role)
            changed = True
    for role in wanted - set(held):
        user.roles.append(UserRole(role=role, source=GrantSource.SSO))
        audit.record(user, user, "sso_role_added", role=role)
        changed = True
    db.session.flush()
    return changed


def _group(code: str) -> WorkingGroup | None:
    return db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.code == code)).first()


def grant_role(actor: User, user: User, role: str) -> None:
    """Give a global role by hand (kept apart from SSO grants)."""
    parse_grant(role)
    if any(r.role == role and r.source == GrantSource.MANUAL for r in user.roles):
        raise InvalidInput(f"{user.username} already has {role} (granted by hand)", "/role")
    user.roles.append(UserRole(role=role, source=GrantSource.MANUAL))
    audit.record(actor, user, "role_granted", role=role)
    end_all_sessions(user)


def revoke_role(actor: User, user: User, role: str) -> None:
    """Take back a global role granted by hand (SSO grants follow the SSO roles)."""
    row = next((r for r in user.roles if r.role == role and r.source == GrantSource.MANUAL), None)
    if row is None:
        raise InvalidInput(f"{user.username} has no {role} granted by hand", "/role")
    user.roles.remove(row)
    db.session.delete(row)
    audit.record(actor, user, "role_revoked", role=role)
    end_all_sessions(user)


def set_membership(actor: User, user: User, group: WorkingGroup, role: str | None) -> None:
    """Set (or with role None remove) the membership an admin granted by hand."""
    if role is not None and role not in set(MembershipRole):
        raise InvalidInput(f"a group role is one of {', '.join(MembershipRole)}", "/role")
    row = next(
        (
            m
            for m in user.memberships
            if m.working_group_id == group.id and m.source == GrantSource.MANUAL
        ),
        None,
    )
    if row is None and role is None:
        raise InvalidInput(
            f"{user.username} has no membership of {group.code} granted by hand", "/role"
        )
    if role is None:
        user.memberships.remove(row)
        db.session.delete(row)
    elif row is None:
        user.memberships.append(Membership(working_group=group, role=role))
    else:
        row.role = role
    audit.record(actor, user, "membership_set", group=group.code, role=role)
    end_all_sessions(user)


def memberships_of_group(group: WorkingGroup) -> list[Membership]:
    """Everyone in a working group (by hand and from SSO), conveners first, with their users."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.user)
            .where(Membership.working_group_id == group.id)
            .options(contains_eager(Membership.user))
            .order_by(Membership.role.desc(), User.username, Membership.source)
        )
    )
