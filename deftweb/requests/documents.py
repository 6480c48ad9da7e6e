"""Requests as plain documents: what the form shows, what the API sends, what an edit compares.

A document holds request fields as text or numbers (`project` is a name, `working_group` a code)
and `slices`, each with its `steps`. Templates and working-group settings give starting documents.
"""

from deftweb.models import Provenance, Request, RequestTemplate, WorkingGroup
from deftweb.requests.slice_store import stored_slices
from deftweb.requests.validation import REQUEST_FIELDS, SLICE_FIELDS, STEP_FIELDS

#: Template defaults and group settings may give these request fields.
DEFAULT_FIELDS = ("project", "campaign", "subcampaign", "energy_gev", "priority")
DEFAULT_FIELDS += ("provenance", "cc")


def document_of(request: Request, stored: list[dict] | None = None) -> dict:
    """The request as a document, slices and steps included (`stored`: slices already read)."""
    doc = {
        "request_type": request.request_type,
        "working_group": request.working_group.code,
        "provenance": request.provenance,
        "project": request.project.name if request.project else "",
        "campaign": request.campaign.name if request.campaign else "",
        "subcampaign": request.subcampaign.name if request.subcampaign else "",
        "energy_gev": request.energy_gev,
        "description": request.description,
        "long_description": request.long_description or "",
        "reference_link": request.reference_link or "",
        "cc": request.cc or "",
        "priority": request.priority,
        "template_id": request.template_id,
    }
    stored = stored_slices(request.id) if stored is None else stored
    doc["slices"] = [slice_document(s) for s in stored]
    return doc


def slice_document(stored: dict) -> dict:
    """A stored slice (`slice_store.stored_slices`) as a document: step ids left out."""
    doc = {name: stored[name] for name in (*SLICE_FIELDS, "cloned_from_id")}
    doc["steps"] = [{name: step[name] for name in STEP_FIELDS} for step in stored["steps"]]
    return doc


def clean_to_document(clean: dict) -> dict:
    """A validated document back to plain values (rows become their names)."""
    doc = {name: clean.get(name) for name in REQUEST_FIELDS if name in clean}
    doc["working_group"] = clean["working_group"].code if clean.get("working_group") else ""
    for name in ("project", "campaign", "subcampaign"):
        doc[name] = clean[name].name if clean.get(name) else ""
    doc["template_id"] = clean["template"].id if clean.get("template") else None
    doc["slices"] = clean.get("slices", [])
    return doc


def starting_document(
    group: WorkingGroup | None, request_type: str, template: RequestTemplate | None = None
) -> dict:
    """A new request's document: group settings first, then the template over them."""
    doc = {
        "request_type": request_type,
        "working_group": group.code if group else "",
        "provenance": group.default_provenance if group else Provenance.GP,
        "description": "",
        "slices": [],
        "template_id": None,
    }
    doc.update(group_defaults(group, request_type))
    if template is not None:
        apply_template(doc, template)
    return doc


def group_defaults(group: WorkingGroup | None, request_type: str) -> dict:
    """Defaults from `WorkingGroup.settings["request_defaults"]`: common keys, then per type.

    Example: {"request_defaults": {"priority": 570, "MC": {"project": "mc23_13p6TeV"}}}.
    """
    settings = ((group.settings or {}) if group else {}).get("request_defaults") or {}
    found = {k: v for k, v in settings.items() if k in DEFAULT_FIELDS}
    by_type = settings.get(request_type) or {}
    found.update({k: v for k, v in by_type.items() if k in DEFAULT_FIELDS})
    if "steps" in by_type:
        found["default_steps"] = by_type["steps"]
    return found


def apply_template(doc: dict, template: RequestTemplate) -> dict:
    """Fill `doc` from a template: its fields, and its step chain on every slice without steps."""
    defaults = template.defaults or {}
    doc.update({k: v for k, v in defaults.items() if k in DEFAULT_FIELDS})
    doc["request_type"] = template.request_type
    doc["template_id"] = template.id
    doc["default_steps"] = template_steps(template)
    for piece in doc.get("slices") or []:
        if not piece.get("steps"):
            piece["steps"] = template_steps(template)
    return doc


def template_steps(template: RequestTemplate) -> list[dict]:
    steps = (template.defaults or {}).get("steps") or []
    return [{name: step.get(name, "") for name in STEP_FIELDS} for step in steps]


def template_defaults_of(request: Request) -> dict:
    """What "save this request as a template" keeps: the defaults and the first slice's chain."""
    doc = document_of(request)
    defaults = {name: doc[name] for name in DEFAULT_FIELDS if doc.get(name) not in (None, "")}
    first = doc["slices"][0]["steps"] if doc["slices"] else []
    defaults["steps"] = first
    return defaults
