"""Who someone is, whatever proved it: auth info -> user, through the one identity table.

An SSO identity links to the user of the same login name, or registers a new user (config
`AUTO_REGISTER`); a certificate DN must have been linked beforehand (by an admin, or from the
profile page by its owner signed in by SSO).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from deftweb import audit
from deftweb.auth.grants import sync_sso_grants
from deftweb.auth.sessions import end_all_sessions
from deftweb.errors import NotAllowed
from deftweb.models import Identity, User, db, utcnow
from deftweb.models.users import IdentityKind

#: The issuer recorded for certificate identities: any CA the TLS proxy trusts.
CERTIFICATE_ISSUER = "trusted-proxy-ca"


@dataclass(frozen=True)
class AuthInfo:
    """What a proof (SAML assertion, client certificate) says about someone."""

    kind: str
    issuer: str
    identifier: str
    username: str | None = None
    display_name: str | None = None
    email: str | None = None
    person_id: str | None = None
    roles: tuple[str, ...] = field(default=())


class IdentityRefused(NotAllowed):
    """Sign-in (or linking a certificate) refused; the message is shown to the person and says
    what to do."""


def find_identity(kind: str, issuer: str, identifier: str) -> Identity | None:
    return db.session.scalars(
        sa.select(Identity).where(
            Identity.kind == kind, Identity.issuer == issuer, Identity.identifier == identifier
        )
    ).first()


def user_for_sso(info: AuthInfo) -> User:
    """The user an SSO login names: found, linked or registered; profile and grants refreshed."""
    identity = find_identity(info.kind, info.issuer, info.identifier)
    user = identity.user if identity else _link_or_register(info)
    if not user.is_active:
        raise IdentityRefused(f"The deftweb account {user.username} is disabled; ask an admin.")
    _refresh_profile(user, info)
    identity = identity or find_identity(info.kind, info.issuer, info.identifier)
    identity.last_used_at = utcnow()
    role_map = current_app.config["SAML_ROLE_MAP"]
    if sync_sso_grants(user, info.roles, role_map):
        end_all_sessions(user)
    db.session.flush()
    return user


def _link_or_register(info: AuthInfo) -> User:
    user = db.session.scalars(sa.select(User).where(User.username == info.username)).first()
    if user is not None:
        if any(i.kind == info.kind and i.issuer == info.issuer for i in user.identities):
            raise IdentityRefused(
                f"The login name {info.username} belongs to another single sign-on account here; "
                "ask an admin to sort it out."
            )
        action = "identity_linked"
    elif current_app.config["AUTO_REGISTER"]:
        user = User(username=info.username, display_name=info.display_name or info.username)
        db.session.add(user)
        action = "user_registered"
    else:
        raise IdentityRefused(
            f"There is no deftweb account for {info.username}; ask an admin to create one."
        )
    identity = Identity(kind=info.kind, issuer=info.issuer, identifier=info.identifier)
    user.identities.append(identity)
    db.session.flush()
    audit.record(user, user, action, kind=info.kind, identifier=info.identifier)
    return user


def _refresh_profile(user: User, info: AuthInfo) -> None:
    user.display_name = info.display_name or user.display_name
    user.email = info.email or user.email
    user.person_id = info.person_id or user.person_id


def user_for_certificate(dn: str, record_use: bool = False) -> User:
    """The user a (canonical) certificate DN was linked to; `record_use` stamps the identity."""
    identity = find_identity(IdentityKind.X509, CERTIFICATE_ISSUER, dn)
    if identity is None:
        raise IdentityRefused(
            f"The certificate {dn} is not linked to a deftweb account. Sign in with CERN single "
            "sign-on and link it from your profile page, or ask an admin to link it."
        )
    if not identity.user.is_active:
        raise IdentityRefused(f"The deftweb account {identity.user.username} is disabled.")
    if record_use:
        identity.last_used_at = utcnow()
    return identity.user


def link_certificate(actor: User, user: User, dn: str) -> Identity:
    """Link a canonical DN to `user`; refused if it is linked to anyone already."""
    existing = find_identity(IdentityKind.X509, CERTIFICATE_ISSUER, dn)
    if existing is not None:
        owner = "you" if existing.user_id == user.id else "another account"
        raise IdentityRefused(f"The certificate {dn} is already linked to {owner}.")
    identity = Identity(kind=IdentityKind.X509, issuer=CERTIFICATE_ISSUER, identifier=dn)
    user.identities.append(identity)
    db.session.flush()
    audit.record(actor, user, "identity_linked", kind="x509", identifier=dn)
    return identity


def unlink_identity(actor: User, identity: Identity) -> None:
    user = identity.user
    audit.record(
        actor, user, "identity_unlinked", kind=identity.kind, identifier=identity.identifier
    )
    user.identities.remove(identity)
    db.session.delete(identity)
    end_all_sessions(user)
