"""The audit log of changes that are not request edits (users, identities, memberships...)."""

from deftweb.models import AuditEvent, User, db


def record(actor: User | None, obj, action: str, **detail) -> AuditEvent:
    """Add an audit row for `action` on `obj` (a model with an `id`) in this transaction."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        object_type=_object_type(obj),
        object_id=str(obj.id),
        action=action,
        detail=detail,
    )
    db.session.add(event)
    return event


def _object_type(obj) -> str:
    name = type(obj).__name__
    return {"ApiToken": "api_token", "UserRole": "user_role"}.get(name, name.lower())
