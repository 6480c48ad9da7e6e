"""Working-group request templates: versioned, offered while active, made by conveners.

An edit never changes a template in place: it adds the next version and marks the old one
superseded, so a request keeps naming the exact version it was filed from.
"""

import sqlalchemy as sa

from deftweb import audit
from deftweb.auth import policy
from deftweb.errors import InvalidFields, InvalidInput, NotAllowed
from deftweb.models import Request, RequestTemplate, User, WorkingGroup, db
from deftweb.requests.documents import DEFAULT_FIELDS, template_defaults_of
from deftweb.requests.validation import Problems, validate_chain, validate_request

ACTIVE, SUPERSEDED, RETIRED = "active", "superseded", "retired"
NAME_MAX, DESCRIPTION_MAX = 100, 1000


def offered_templates(group: WorkingGroup, request_type: str | None = None):
    """The group's active templates (the current version of each), by name."""
    query = sa.select(RequestTemplate).where(
        RequestTemplate.working_group_id == group.id, RequestTemplate.status == ACTIVE
    )
    if request_type:
        query = query.where(RequestTemplate.request_type == request_type)
    return list(db.session.scalars(query.order_by(RequestTemplate.name)))


def all_versions(group: WorkingGroup) -> list[RequestTemplate]:
    return list(
        db.session.scalars(
            sa.select(RequestTemplate)
            .where(RequestTemplate.working_group_id == group.id)
            .order_by(RequestTemplate.name, RequestTemplate.version.desc())
        )
    )


def checked_template(group: WorkingGroup, fields: dict) -> dict:
    """Validate a template's name, type, description and defaults (with the request rules)."""
    problems = Problems()
    defaults = fields.get("defaults") or {}
    doc = {k: defaults.get(k) for k in DEFAULT_FIELDS} | {
        "working_group": group.code,
        "request_type": fields.get("request_type"),
        "description": fields.get("name") or "",
    }
    doc["provenance"] = doc["provenance"] or group.default_provenance
    clean, found = validate_request(doc)
    for pointer, message in found.items():
        problems.add("/name" if pointer == "/description" else pointer, message)
    steps = validate_chain(defaults.get("steps") or [], clean, problems)
    name = (fields.get("name") or "").strip()
    if len(name) > NAME_MAX:
        problems.add("/name", f"At most {NAME_MAX} characters.")
    description = (fields.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        problems.add("/description", f"At most {DESCRIPTION_MAX} characters.")
    if problems:
        raise InvalidFields(problems)
    kept = {k: defaults[k] for k in DEFAULT_FIELDS if defaults.get(k) not in (None, "")}
    kept["energy_gev"] = clean["energy_gev"]
    return {
        "name": name,
        "request_type": clean["request_type"],
        "description": description,
        "defaults": kept | {"steps": steps},
    }


def create_template(group: WorkingGroup, actor: User, fields: dict) -> RequestTemplate:
    """A new template for the group (version 1, or after a retired one of that name)."""
    _require_convener(actor, group)
    clean = checked_template(group, fields)
    if _current(group, clean["name"]) is not None:
        raise InvalidInput(f"{group.code} already has a template {clean['name']!r}.", "/name")
    version = (_last_version(group, clean["name"]) or 0) + 1  # after a retired namesake
    template = RequestTemplate(working_group=group, created_by=actor, version=version, **clean)
    return _saved(template, actor, "template_created")


def revise_template(template: RequestTemplate, actor: User, fields: dict) -> RequestTemplate:
    """The next version of an active template; the one edited becomes superseded."""
    group = template.working_group
    _require_convener(actor, group)
    if template.status != ACTIVE:
        raise InvalidInput(f"Version {template.version} is {template.status}: edit the current.")
    clean = checked_template(group, fields | {"name": template.name})
    template.status = SUPERSEDED
    db.session.flush()
    version = _last_version(group, template.name) + 1
    revised = RequestTemplate(working_group=group, created_by=actor, version=version, **clean)
    return _saved(revised, actor, "template_revised", previous=template.id)


def retire_template(template: RequestTemplate, actor: User) -> RequestTemplate:
    """Stop offering a template; requests filed from it keep naming it."""
    _require_convener(actor, template.working_group)
    if template.status == RETIRED:
        return template
    template.status = RETIRED
    return _saved(template, actor, "template_retired")


def template_from_request(request: Request, actor: User, name: str) -> RequestTemplate:
    """ "Save this request as a template": its defaults and its first slice's step chain."""
    fields = {
        "name": name,
        "request_type": request.request_type,
        "description": f"From request {request.id}: {request.description}",
        "defaults": template_defaults_of(request),
    }
    return create_template(request.working_group, actor, fields)


def _require_convener(actor: User, group: WorkingGroup) -> None:
    if not policy.can_manage_templates(actor, group):
        raise NotAllowed(f"Only conveners of {group.code} manage its templates.")


def _current(group: WorkingGroup, name: str) -> RequestTemplate | None:
    return db.session.scalar(
        sa.select(RequestTemplate).where(
            RequestTemplate.working_group_id == group.id,
            RequestTemplate.name == name,
            RequestTemplate.status == ACTIVE,
        )
    )


def _last_version(group: WorkingGroup, name: str) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(RequestTemplate.version)).where(
            RequestTemplate.working_group_id == group.id, RequestTemplate.name == name
        )
    )


def _saved(template: RequestTemplate, actor: User, action: str, **detail) -> RequestTemplate:
    db.session.add(template)
    db.session.flush()
    audit.record(actor, template, action, name=template.name, version=template.version, **detail)
    db.session.flush()
    return template
