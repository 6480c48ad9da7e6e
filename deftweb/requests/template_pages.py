"""Template pages: a group's templates and versions; conveners create, revise and retire them."""

import re

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.errors import show_refusals_in
from deftweb.models import Campaign, Project, RequestTemplate, RequestType, WorkingGroup, db
from deftweb.requests import request_templates
from deftweb.requests.documents import DEFAULT_FIELDS
from deftweb.requests.form_document import config_text, parse_task_config
from deftweb.requests.queries import get_request
from deftweb.requests.validation import STEP_FIELDS, STEP_NAMES, Problems

bp = Blueprint("request_templates", __name__, url_prefix="/templates")
#: Empty step rows the form offers below a template's chain.
SPARE_STEP_ROWS = 3
_STEP_KEY = re.compile(r"steps-(\d+)-(\w+)")


@bp.get("/")
@login_required
def index():
    """The templates of one of my groups (or any group by `?group=`), every version."""
    mine = _my_groups()
    group = _group(request.args.get("group")) or (mine[0] if mine else None)
    if group is None:
        abort(404, "Choose a working group: /templates/?group=HIGG")
    return render_template(
        "filing/templates.html",
        group=group,
        my_groups=mine,
        versions=request_templates.all_versions(group),
        manage=policy.can_manage_templates(current_user, group),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    group = _group(request.values.get("group"))
    if group is None:
        abort(404, "No such working group.")
    policy.require(policy.can_manage_templates(current_user, group), "Only conveners do this.")
    if request.method == "GET":
        return _form(group, {"request_type": RequestType.MC, "defaults": {"steps": []}})
    fields = _posted_fields()
    show_refusals_in(lambda refusal: _form(group, fields, Problems(refusal.messages()), status=422))
    template = request_templates.create_template(group, current_user, fields)
    db.session.commit()
    flash(f"Template {template.name} v{template.version} created.", "success")
    return redirect(url_for("request_templates.index", group=group.code), 303)


@bp.route("/<id:template_id>/edit", methods=["GET", "POST"])
@login_required
def edit(template_id: int):
    """Editing saves the next version; the edited one is superseded."""
    template = db.get_or_404(RequestTemplate, template_id)
    group = template.working_group
    policy.require(policy.can_manage_templates(current_user, group), "Only conveners do this.")
    if request.method == "GET":
        return _form(group, _fields_of(template), template=template)
    fields = _posted_fields()
    show_refusals_in(
        lambda refusal: _form(
            group, fields, Problems(refusal.messages()), template=template, status=422
        )
    )
    revised = request_templates.revise_template(template, current_user, fields)
    db.session.commit()
    flash(f"Template {revised.name} is now at version {revised.version}.", "success")
    return redirect(url_for("request_templates.index", group=group.code), 303)


@bp.post("/<id:template_id>/retire")
@login_required
def retire(template_id: int):
    template = db.get_or_404(RequestTemplate, template_id)
    policy.require(policy.can_manage_templates(current_user, template.working_group))
    request_templates.retire_template(template, current_user)
    db.session.commit()
    flash(f"Template {template.name} retired: no longer offered.", "success")
    return redirect(url_for("request_templates.index", group=template.working_group.code), 303)


@bp.post("/from-request/<id:request_id>")
@login_required
def from_request(request_id: int):
    """ "Save this request as a template", named in the form."""
    production_request = get_request(request_id)
    policy.require(policy.can_manage_templates(current_user, production_request.working_group))
    name = (request.form.get("name") or "").strip() or f"From request {request_id}"
    show_refusals_in(lambda refusal: _back_to_request(request_id, refusal.message))
    template = request_templates.template_from_request(production_request, current_user, name)
    db.session.commit()
    flash(f"Template {template.name} v{template.version} saved from this request.", "success")
    return redirect(url_for("request_templates.edit", template_id=template.id), 303)


def _form(group, fields, problems=None, template=None, status=200):
    steps = list(fields.get("defaults", {}).get("steps") or [])
    steps += [dict.fromkeys(STEP_FIELDS, "") for _ in range(SPARE_STEP_ROWS)]
    page = render_template(
        "filing/template_form.html",
        group=group,
        fields=fields,
        steps=steps,
        template=template,
        errors=problems or {},
        request_types=list(RequestType),
        step_names=STEP_NAMES,
        projects=db.session.scalars(sa.select(Project).order_by(Project.name)).all(),
        campaigns=db.session.scalars(sa.select(Campaign).order_by(Campaign.name)).all(),
        config_text=config_text,
    )
    return page, status


def _posted_fields() -> dict:
    form = request.form
    defaults = {name: form.get(name, "").strip() for name in DEFAULT_FIELDS}
    defaults = {k: v for k, v in defaults.items() if v}
    rows: dict[int, dict] = {}
    for key in form:
        if match := _STEP_KEY.fullmatch(key):
            rows.setdefault(int(match[1]), {})[match[2]] = form.get(key, "").strip()
    steps = [rows[j] for j in sorted(rows) if rows[j].get("ami_tag") or rows[j].get("step_name")]
    for step in steps:
        step["task_config"] = parse_task_config(step.get("task_config", ""))
    return {
        "name": form.get("name", ""),
        "request_type": form.get("request_type", ""),
        "description": form.get("description", ""),
        "defaults": defaults | {"steps": steps},
    }


def _fields_of(template: RequestTemplate) -> dict:
    return {
        "name": template.name,
        "request_type": template.request_type,
        "description": template.description,
        "defaults": dict(template.defaults or {}),
    }


def _back_to_request(request_id: int, message: str):
    """A refusal of "save as template" is flashed on the request page it came from."""
    flash(message, "error")
    return redirect(url_for("requests.detail", request_id=request_id), 303)


def _group(code) -> WorkingGroup | None:
    return db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.code == (code or "")))


def _my_groups() -> list[WorkingGroup]:
    return sorted({m.working_group for m in current_user.memberships}, key=lambda g: g.code)
