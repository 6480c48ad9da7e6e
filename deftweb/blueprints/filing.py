"""Filing pages: new request, draft edit, the in-place slice editor, clones, submission."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.blueprints.filing_forms import (
    SLICES_PER_PAGE,
    apply_operation,
    config_text,
    form_document,
    slice_window,
)
from deftweb.htmx import is_htmx
from deftweb.models import (
    Campaign,
    Project,
    Request,
    RequestTemplate,
    RequestType,
    Slice,
    WorkingGroup,
    db,
)
from deftweb.services import filing, slice_import
from deftweb.services.request_documents import apply_template, document_of, starting_document
from deftweb.services.request_templates import offered_templates
from deftweb.services.request_validation import STEP_NAMES, Problems, validate_request
from deftweb.services.workflow import WorkflowError

bp = Blueprint("filing", __name__, url_prefix="/requests")
bp.add_app_template_global(config_text, "config_text")


@bp.app_context_processor
def _filing_links():
    return {"filing_actions": filing_actions}


def filing_actions(production_request) -> dict:
    """Which filing links the request page shows the current user."""
    group = production_request.working_group
    return {
        "edit": policy.can_edit_request(current_user, production_request),
        "clone": policy.can_file_request_for(current_user, group),
        "save_template": policy.can_manage_templates(current_user, group),
    }


@bp.get("/new")
@login_required
def new():
    """A blank request for one of my groups; `?template=` starts from a template."""
    groups = filing_groups()
    if not groups:
        abort(403, "You are in no working group, so you cannot file requests.")
    template = _chosen_template(request.args.get("template"))
    group = template.working_group if template else _chosen_group(request.args.get("group"))
    kind = request.args.get("type") or RequestType.MC
    return render_form(starting_document(group or groups[0], kind, template))


@bp.post("/new")
@login_required
def create():
    doc = form_document(request.form)
    try:
        clean = filing.checked(doc)
        production_request = filing.file_request(clean, current_user)
    except filing.InvalidRequest as invalid:
        return render_form(doc, invalid.problems)
    except WorkflowError as error:
        return render_form(doc, _refusal(error), status=error.status_code)
    db.session.commit()
    flash(f"Draft request {production_request.id} saved.", "success")
    return _go(url_for("filing.edit", request_id=production_request.id))


@bp.get("/<int:request_id>/edit")
@login_required
def edit(request_id: int):
    production_request = _editable(request_id)
    return render_form(document_of(production_request), req=production_request)


@bp.post("/<int:request_id>/edit")
@login_required
def save(request_id: int):
    """Save the draft; with `action=submit`, then hand it to the review workflow."""
    production_request = _editable(request_id)
    doc = form_document(request.form)
    version = _version()
    try:
        clean = filing.checked(doc, request_id)
        filing.save_draft(production_request, current_user, clean, version)
        if request.form.get("action") == "submit":
            filing.submit_for_review(production_request, current_user, production_request.version)
    except filing.InvalidRequest as invalid:
        return render_form(doc, invalid.problems, req=production_request, version=version)
    except WorkflowError as error:
        return render_form(
            doc, _refusal(error), req=production_request, version=version, status=error.status_code
        )
    db.session.commit()
    if production_request.status != "draft":
        flash(f"Request {request_id} submitted for review.", "success")
        return _go(url_for("requests.detail", request_id=request_id))
    flash(f"Draft saved (version {production_request.version}).", "success")
    return _go(url_for("filing.edit", request_id=request_id))


@bp.post("/editor")
@login_required
def editor():
    """The slice editor's buttons: change the posted form and send it back (nothing is saved)."""
    doc = form_document(request.form)
    request_id = request.form.get("request_id", type=int)
    req = _editable(request_id) if request_id else None
    operation = request.form.get("op", "")
    problems, batch = Problems(), None
    if operation == "apply_template":
        _apply_chosen_template(doc)
    elif operation == "context":
        _refresh_context(doc)
    elif operation == "check":
        problems = validate_request(doc, request_id=request_id)[1]
    elif operation in ("paste", "import"):
        batch = _many_slices(doc, operation)
    else:
        apply_operation(doc, operation)
    version = _version() if req else None
    return render_form(doc, problems, req=req, version=version, batch=batch)


@bp.post("/<int:request_id>/clone")
@login_required
def clone(request_id: int):
    """A new draft copied from any request I may file for its group."""
    source = load_request(request_id)
    policy.require(policy.can_view_request(current_user, source))
    policy.require(
        policy.can_file_request_for(current_user, source.working_group),
        f"Only members of {source.working_group.code} file requests for it.",
    )
    copy = filing.clone_request(source, current_user)
    db.session.commit()
    flash(f"Request {copy.id} is a copy of request {request_id}: edit it and submit.", "success")
    return _go(url_for("filing.edit", request_id=copy.id))


@bp.post("/<int:request_id>/slices/<int:slice_id>/clone")
@login_required
def clone_slice(request_id: int, slice_id: int):
    production_request = _editable(request_id)
    piece = db.session.get(Slice, slice_id)
    if piece is None or piece.request_id != request_id:
        abort(404)
    try:
        filing.clone_slice(production_request, piece, current_user, _version())
    except WorkflowError as error:
        abort(error.status_code, error.message)
    db.session.commit()
    flash(f"Slice {piece.ordinal + 1} cloned.", "success")
    return _go(url_for("filing.edit", request_id=request_id))


# --- Helpers ------------------------------------------------------------------------------------


def filing_groups() -> list[WorkingGroup]:
    """The working groups the current user may file requests for."""
    groups = sorted((m.working_group for m in current_user.memberships), key=lambda g: g.code)
    unique = {g.code: g for g in groups if policy.can_file_request_for(current_user, g)}
    return list(unique.values())


def render_form(doc, problems=None, req=None, version=None, batch=None, status=422):
    group = _chosen_group(doc.get("working_group"))
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
        "shown_per_page": SLICES_PER_PAGE,
    }
    fragment = is_htmx() and not request.headers.get("HX-Boosted")
    template = "filing/_form.html" if fragment else "filing/page.html"
    # htmx swaps only 2xx answers: a boosted form gets its refusal as a 200 page
    return render_template(template, **context), status if problems and not is_htmx() else 200


def load_request(request_id: int) -> Request:
    """The request alone: its thousands of slices are read in bulk by the services."""
    return db.get_or_404(Request, request_id, description=f"There is no request {request_id}.")


def _editable(request_id: int):
    production_request = load_request(request_id)
    policy.require(
        policy.can_edit_request(current_user, production_request),
        "Only the requester edits a request, and only while it is a draft.",
    )
    return production_request


def _chosen_group(code) -> WorkingGroup | None:
    groups = {g.code: g for g in filing_groups()}
    return groups.get((code or "").upper())


def _chosen_template(template_id) -> RequestTemplate | None:
    template = db.session.get(RequestTemplate, int(template_id)) if template_id else None
    if template is None or _chosen_group(template.working_group.code) is None:
        return None
    return template


def _apply_chosen_template(doc: dict) -> None:
    template = _chosen_template(doc.get("template_id") or None)
    if template is None:
        doc["template_id"] = ""
        return
    apply_template(doc, template)


def _refresh_context(doc: dict) -> None:
    """Group or type changed: fill what is still empty from the group's defaults."""
    group = _chosen_group(doc["working_group"])
    start = starting_document(group, doc["request_type"]) if group else {}
    for name, value in start.items():
        if doc.get(name) in (None, "", []):
            doc[name] = value
    template = _chosen_template(doc.get("template_id") or None)
    kept = template is not None and template.working_group is group
    if not kept or template.request_type != doc["request_type"]:
        doc["template_id"] = ""


def _many_slices(doc: dict, operation: str) -> slice_import.Batch:
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


def _refusal(error: WorkflowError) -> Problems:
    """A refused change as form problems: beside its field, or at the top of the form."""
    return Problems({error.pointer or "/": error.message})


def _version() -> int:
    version = request.form.get("version", type=int)
    if version is None:
        abort(400, "The form lost its version; reload the page.")
    return version


def _go(url: str):
    """After a change, see the result (a boosted form follows the redirect and keeps the flash)."""
    return redirect(url, 303)
