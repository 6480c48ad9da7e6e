"""Personal API tokens: created and revoked by their owner, stored as a SHA-256 hash only."""

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa

from deftweb import audit
from deftweb.errors import InvalidInput
from deftweb.models import ApiToken, User, db, utcnow

#: Every token starts with this, so leaked tokens are easy to recognise (and to scan for).
PREFIX = "dft_"
NAME_MAX = 100


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str, days: int, max_days: int) -> tuple[ApiToken, str]:
    """A new token valid for `days`; returns it with the secret, which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(f"Give the token a name of 1 to {NAME_MAX} characters.", "/name")
    if not 1 <= days <= max_days:
        raise InvalidInput(f"A token lives from 1 to {max_days} days.", "/days")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(secret),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user, token, "api_token_created", name=name, days=days)
    return token, secret


def revoke_token(actor: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, token, "api_token_revoked", name=token.name, owner=token.user_id)
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def find_valid_token(secret: str) -> ApiToken | None:
    """The token of `secret` if it is known, unrevoked, unexpired and its owner active."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    digest = token_hash(secret)
    token = db.session.scalars(sa.select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or (token.expires_at and token.expires_at <= utcnow()):
        return None
    return token if token.user.is_active else None
