"""People and what they may be: users, identities, working groups, memberships, global roles."""

import re
import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deftweb.models.base import Timestamped, db, utcnow

#: A login name, whoever makes it (single sign-on or an admin): it names the account everywhere,
#: also in `user.<name>.` dataset scopes and in exports.
LOGIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")


class IdentityKind(StrEnum):
    SAML = "saml"
    X509 = "x509"


class MembershipRole(StrEnum):
    MEMBER = "member"
    CONVENER = "convener"


class GrantSource(StrEnum):
    """Where a membership or role came from: SSO grants are refreshed at login, manual ones kept."""

    MANUAL = "manual"
    SSO = "sso"


class GlobalRole(StrEnum):
    MC_COORDINATOR = "mc_coordinator"
    PRODUCTION_MANAGER = "production_manager"
    ADMIN = "admin"


class Provenance(StrEnum):
    """Who produces: ATLAS production (AP), group production (GP), other (XP)."""

    AP = "AP"
    GP = "GP"
    XP = "XP"


class NotifyMode(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: CERN login name; also the JEDI userName of the tasks this user manages.
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: CERN person id (SSO attribute PersonID), when known.
    person_id: Mapped[str | None] = mapped_column(sa.String(32))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Part of the login cookie; changing it ends every session of the user at once.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    notify_mode: Mapped[str] = mapped_column(sa.String(16), default=NotifyMode.IMMEDIATE)
    last_login_at: Mapped[datetime | None]

    identities: Mapped[list["Identity"]] = relationship(back_populates="user")
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")
    roles: Mapped[list["UserRole"]] = relationship(back_populates="user")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"

    @property
    def global_roles(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, role: GlobalRole) -> bool:
        return role in self.global_roles

    def group_roles(self) -> dict[str, str]:
        """Working-group code -> the strongest role this user holds there (convener > member)."""
        result: dict[str, str] = {}
        for m in self.memberships:
            code = m.working_group.code
            if result.get(code) != MembershipRole.CONVENER:
                result[code] = m.role
        return result

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Identity(db.Model):
    """One proof of who someone is (a SAML subject or an X509 DN), linked to one user."""

    __tablename__ = "identities"
    __table_args__ = (sa.UniqueConstraint("kind", "issuer", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    #: SAML IdP entity id, or the certificate issuer DN.
    issuer: Mapped[str] = mapped_column(sa.String(512))
    #: SAML NameID / login, or the subject DN in canonical slash form.
    identifier: Mapped[str] = mapped_column(sa.String(512))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="identities")


class WorkingGroup(db.Model):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ATLAS physics-group code: HIGG, SUSY, TOPQ...
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    default_provenance: Mapped[str] = mapped_column(sa.String(2), default=Provenance.GP)
    #: Context-sensitive form defaults without a template: project, campaign, priority...
    settings: Mapped[dict] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="working_group")

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.code}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "working_group_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    working_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), default=MembershipRole.MEMBER)
    source: Mapped[str] = mapped_column(sa.String(8), default=GrantSource.MANUAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    working_group: Mapped[WorkingGroup] = relationship(back_populates="memberships")


class UserRole(db.Model):
    """A global role: MC coordinator, production manager or admin."""

    __tablename__ = "user_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(8), default=GrantSource.MANUAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(db.Model):
    """A personal token for scripts, sent as `Authorization: Bearer`; only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: SHA-256 of the token, hex.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
