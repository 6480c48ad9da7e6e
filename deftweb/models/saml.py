"""Server-side SAML state: pending AuthnRequests and assertions already used."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from deftweb.models.base import db, utcnow


class SamlPendingRequest(db.Model):
    """An AuthnRequest we sent, found again by the opaque RelayState token the IdP echoes."""

    __tablename__ = "saml_pending_requests"
    __table_args__ = (sa.Index(None, "expires_at"),)

    #: Random, single use; travels as RelayState because the IdP's cross-site POST carries no
    #: SameSite=Lax session cookie.
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    request_id: Mapped[str] = mapped_column(sa.String(128))
    next_url: Mapped[str] = mapped_column(sa.String(1000), default="/")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class SamlSeenAssertion(db.Model):
    """An assertion id already accepted; a second use within its validity is a replay."""

    __tablename__ = "saml_seen_assertions"
    __table_args__ = (sa.Index(None, "forget_after"),)

    assertion_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    #: NotOnOrAfter + the allowed clock drift; the row may be purged after it.
    forget_after: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
