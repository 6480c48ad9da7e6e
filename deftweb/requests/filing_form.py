"""The filing form's pieces: my groups, the form page or fragment, templates and slices added."""

import sqlalchemy as sa
from flask import request
from flask_login import current_user

from deftweb.auth import policy
from deftweb.htmx import is_htmx, render_page_or_fragment
from deftweb.models import (
    Campaign,
    Project,
    RequestTemplate,
    RequestType,
    Slice,
    WorkingGroup,
    db,
)
from deftweb.models.base import stored_integer
from deftweb.requests import slice_import
from deftweb.requests.documents import apply_template, starting_document
from deftweb.requests.form_document import SLICES_PER_PAGE, slice_window
from deftweb.requests.request_templates import offered_templates
from deftweb.requests.validation import (
    STEP_NAMES,
    Problems,
    SliceContext,
    validate_request,
    validate_slice,
)

#: The fields of a slice row, in column order: (name, label, CSS class).
SLICE_CELLS = (
    ("input_dataset", "Input dataset", "name-cell"),
    ("dsid", "DSID", "short"),
    ("brief", "Brief", ""),
    ("events", "Events", "short"),
    ("priority", "Priority", "short"),
    ("comment", "Comment", ""),
)


def filing_groups() -> list[WorkingGroup]:
    """The working groups the current user may file requests for."""
    groups = sorted((m.working_group for m in current_user.memberships), key=lambda g: g.code)
    unique = {g.code: g for g in groups if policy.can_file_request_for(current_user, g)}
    return list(unique.values())


def render_form(doc, problems=None, req=None, version=None, batch=None, status=422):
    """The request form as a page, or as the fragment an editor button swaps in."""
    group = chosen_group(doc.get("working_group"))
    context = {
        "doc": doc,
        "errors": problems or {},
        "req": req,
        "version": version if version is not None else (req.version if req else None),
        "groups": filing_groups(),
        "templates": offered_templates(group, doc.get("request_type")) if group else [],
        "request_types": list(RequestType),
        "projects": db.session.scalars(sa.select(Project).order_by(Project.name)).all(),
        "campaigns": db.session.scalars(sa.select(Campaign).order_by(Campaign.name)).all(),
        "step_names": STEP_NAMES,
        "batch": batch,
        "window": slice_window(doc),
        "slice_cells": SLICE_CELLS,
        "shown_per_page": SLICES_PER_PAGE,
    }
    # htmx swaps only 2xx answers: a boosted form gets its refusal as a 200 page
    status = status if problems and not is_htmx() else 200
    return render_page_or_fragment(
        "filing/page.html", "filing/_form.html", http_status=status, **context
    )


def chosen_group(code) -> WorkingGroup | None:
    """The group named by `code`, if I may file for it."""
    groups = {g.code: g for g in filing_groups()}
    return groups.get((code or "").upper())


def chosen_template(template_id) -> RequestTemplate | None:
    """The template asked for, if it is one of my groups' (anything else is ignored)."""
    number = stored_integer(template_id, RequestTemplate.id)
    template = db.session.get(RequestTemplate, number) if number is not None else None
    if template is None or chosen_group(template.working_group.code) is None:
        return None
    return template


def apply_chosen_template(doc: dict) -> None:
    template = chosen_template(doc.get("template_id") or None)
    if template is None:
        doc["template_id"] = ""
        return
    apply_template(doc, template)


def refresh_context(doc: dict) -> None:
    """Group or type changed: fill what is still empty from the group's defaults."""
    group = chosen_group(doc["working_group"])
    start = starting_document(group, doc["request_type"]) if group else {}
    for name, value in start.items():
        if doc.get(name) in (None, "", []):
            doc[name] = value
    template = chosen_template(doc.get("template_id") or None)
    kept = template is not None and template.working_group is group
    if not kept or template.request_type != doc["request_type"]:
        doc["template_id"] = ""


def many_slices(doc: dict, operation: str) -> slice_import.Batch:
    """Add the pasted lines or the uploaded spreadsheet's rows that pass; report the others."""
    chain = doc["default_steps"] or (doc["slices"][-1]["steps"] if doc["slices"] else [])
    try:
        if operation == "paste":
            batch = slice_import.pasted_slices(request.form.get("paste", ""), doc, chain)
        else:
            upload = request.files.get("spreadsheet")
            if upload is None or not upload.filename:
                return slice_import.Batch(errors=["Choose a CSV or xlsx file first."])
            batch = slice_import.spreadsheet_slices(upload.filename, upload.read(), doc, chain)
    except slice_import.ImportRefused as refused:
        return slice_import.Batch(errors=[str(refused)])
    doc["window_start"] = len(doc["slices"])  # show the first slice added
    doc["slices"].extend(batch.slices)
    return batch


def check_slice(doc: dict, piece: dict, i: int) -> Problems:
    """The problems of one slice, judged in the request's context (its type and project)."""
    request_clean, _ = validate_request(doc | {"slices": []})
    own = {stored_integer(piece.get("id"), Slice.id)} - {None}
    problems = Problems()
    validate_slice(piece, f"/slices/{i}", SliceContext(request_clean, own), problems)
    return problems
