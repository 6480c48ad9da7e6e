"""Filing pages: new request, draft edit, the in-place slice editor, clones, submission."""

import re

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    request,
    url_for,
)
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.errors import Refusal, show_refusals_in
from deftweb.models import (
    Request,
    RequestType,
    Slice,
    db,
)
from deftweb.models.base import stored_integer
from deftweb.requests import filing
from deftweb.requests import queries as request_queries
from deftweb.requests.documents import document_of, starting_document
from deftweb.requests.filing_form import (
    SLICE_CELLS,
    apply_chosen_template,
    check_slice,
    chosen_group,
    chosen_template,
    filing_groups,
    many_slices,
    refresh_context,
    render_form,
)
from deftweb.requests.form_document import apply_operation, config_text, form_document
from deftweb.requests.validation import Problems, validate_request

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
        "clone": policy.can_clone_request(current_user, production_request),
        "save_template": policy.can_manage_templates(current_user, group),
    }


@bp.get("/new")
@login_required
def new():
    """A blank request for one of my groups; `?template=` starts from a template."""
    _require_filing()
    groups = filing_groups()
    template = chosen_template(request.args.get("template"))
    group = template.working_group if template else chosen_group(request.args.get("group"))
    kind = request.args.get("type") or RequestType.MC
    return render_form(starting_document(group or groups[0], kind, template))


@bp.post("/new")
@login_required
def create():
    doc = form_document(request.form)
    show_refusals_in(lambda refusal: render_form(doc, _problems(refusal), status=refusal.status))
    clean = filing.checked(doc)
    production_request = filing.file_request(clean, current_user)
    db.session.commit()
    flash(f"Draft request {production_request.id} saved.", "success")
    return _go(url_for("filing.edit", request_id=production_request.id))


@bp.get("/<id:request_id>/edit")
@login_required
def edit(request_id: int):
    production_request = _editable(request_id)
    return render_form(document_of(production_request), req=production_request)


@bp.post("/<id:request_id>/edit")
@login_required
def save(request_id: int):
    """Save the draft; with `action=submit`, then hand it to the review workflow."""
    production_request = _editable(request_id)
    doc = form_document(request.form)
    version = _version()
    show_refusals_in(
        lambda refusal: render_form(
            doc, _problems(refusal), req=production_request, version=version, status=refusal.status
        )
    )
    clean = filing.checked(doc, request_id)
    submit = request.form.get("action") == "submit"
    filing.save_draft(production_request, current_user, clean, version, submit=submit)
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
    _require_filing()
    doc = form_document(request.form)
    request_id = stored_integer(request.form.get("request_id"), Request.id)
    req = _editable(request_id) if request_id else None
    operation = request.form.get("op", "")
    problems, batch = Problems(), None
    if operation == "apply_template":
        apply_chosen_template(doc)
    elif operation == "context":
        refresh_context(doc)
    elif operation == "check":
        problems = validate_request(doc, request_id=request_id)[1]
    elif operation in ("paste", "import"):
        batch = many_slices(doc, operation)
    else:
        apply_operation(doc, operation)
    version = _version() if req else None
    return render_form(doc, problems, req=req, version=version, batch=batch)


@bp.post("/editor/cell")
@login_required
def check_cell():
    """Check one slice field as it changes: the cell comes back with its error, or without."""
    _require_filing()
    match = re.fullmatch(r"slices-(\d{1,9})-(\w+)", request.form.get("cell", ""))
    cells = {name: (label, cls) for name, label, cls in SLICE_CELLS}
    if match is None or match[2] not in cells:
        abort(400, "Name the slice field to check.")
    i, name = int(match[1]), match[2]
    # htmx sends the whole form: keep this slice's fields and what judges them
    wanted = {k: v for k, v in request.form.items() if k.startswith(f"slices-{i}-")}
    doc = form_document(wanted | {k: request.form.get(k, "") for k in ("request_type", "project")})
    piece = doc["slices"][0] if doc["slices"] else {}
    problems = check_slice(doc, piece, i)
    label, cls = cells[name]
    macro = get_template_attribute("filing/_cell.html", "cell")
    return macro(i, name, piece.get(name, ""), label, cls, problems)


@bp.post("/<id:request_id>/clone")
@login_required
def clone(request_id: int):
    """A new draft copied from any request I may file for its group."""
    source = request_queries.get_request(request_id)
    policy.require(
        policy.can_clone_request(current_user, source),
        f"Only members of {source.working_group.code} file requests for it.",
    )
    copy = filing.clone_request(source, current_user)
    db.session.commit()
    flash(f"Request {copy.id} is a copy of request {request_id}: edit it and submit.", "success")
    return _go(url_for("filing.edit", request_id=copy.id))


@bp.post("/<id:request_id>/slices/<id:slice_id>/clone")
@login_required
def clone_slice(request_id: int, slice_id: int):
    production_request = _editable(request_id)
    piece = db.session.get(Slice, slice_id)
    if piece is None or piece.request_id != request_id:
        abort(404)
    filing.clone_slice(production_request, piece, current_user, _version())
    db.session.commit()
    flash(f"Slice {piece.ordinal + 1} cloned.", "success")
    return _go(url_for("filing.edit", request_id=request_id))


# --- Helpers ------------------------------------------------------------------------------------


def _require_filing() -> None:
    """The form and its editor (imports cost work) are for those who may file a request."""
    policy.require(
        policy.can_file_requests(current_user),
        "You are in no working group, so you cannot file requests.",
    )


def _editable(request_id: int):
    return request_queries.get_request(
        request_id,
        policy.can_edit_request,
        refused="Only the requester edits a request, and only while it is a draft.",
    )


def _problems(refusal: Refusal) -> Problems:
    """A refusal as form problems: beside each field, or at the top of the form."""
    return Problems(refusal.messages())


def _version() -> int:
    version = request.form.get("version", type=int)
    if version is None:
        abort(400, "The form lost its version; reload the page.")
    return version


def _go(url: str):
    """After a change, see the result (a boosted form follows the redirect and keeps the flash)."""
    return redirect(url, 303)
