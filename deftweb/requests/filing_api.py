"""API: file a request, edit a draft field by field, list a group's templates.

The validation is the page's (`deftweb.requests.validation`); each bad field comes back
as a problem detail entry with a JSON Pointer into the document sent.
"""

import sqlalchemy as sa
from flask_login import current_user, login_required
from flask_smorest import abort

from deftweb.api import api_blueprint, documented_refusals
from deftweb.auth import policy
from deftweb.errors import NotAllowed
from deftweb.models import RequestStatus, RequestTemplate, WorkingGroup, db
from deftweb.requests import filing, workflow
from deftweb.requests import queries as request_queries
from deftweb.requests.documents import document_of, starting_document
from deftweb.requests.filing_schemas import RequestInputSchema, TemplateArgsSchema, TemplateSchema
from deftweb.requests.request_templates import offered_templates
from deftweb.requests.schemas import RequestSchema

blp = api_blueprint("api_filing", __name__, "Filing requests: drafts, edits and templates")
REFUSALS = (
    (403, "Not a member of the group, or not your draft"),
    (409, "The request changed since you read its version"),
    (422, "Bad input: `errors` points at each bad field"),
)

_documented = documented_refusals(blp, REFUSALS)


@blp.post("/requests")
@blp.arguments(RequestInputSchema)
@blp.response(201, RequestSchema)
@_documented
@login_required
def post_request(args):
    """File a draft request (then submit it with `submit: true`)."""
    submit = args.pop("submit")
    args.pop("version", None)
    doc = _starting_document(args) | args
    clean = filing.checked(doc)
    production_request = filing.file_request(clean, current_user, submit=submit)
    db.session.commit()
    return request_queries.get_request(production_request.id, content=True)


@blp.patch("/requests/<id:request_id>")
@blp.arguments(RequestInputSchema)
@blp.response(200, RequestSchema)
@_documented
@login_required
def patch_request(args, request_id: int):
    """Change only the fields sent: any field of your draft; later, what review allows."""
    production_request = request_queries.get_request(request_id)
    submit = args.pop("submit")
    version = args.pop("version", production_request.version)
    if production_request.status == RequestStatus.DRAFT:
        _save_draft(production_request, args, version, submit)
    else:
        workflow.edit_request(production_request, current_user, args, version)
    db.session.commit()
    return request_queries.get_request(request_id, content=True)


@blp.get("/templates")
@blp.arguments(TemplateArgsSchema, location="query")
@blp.response(200, TemplateSchema(many=True))
@login_required
def get_templates(args):
    """A working group's active templates (current versions), optionally of one request type."""
    group = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.code == args["group"]))
    if group is None:
        abort(422, message="No such working group.", errors=[{"pointer": "#query/group"}])
    return offered_templates(group, args.get("type"))


def _save_draft(production_request, changes: dict, version: int, submit: bool) -> None:
    if not policy.can_edit_request(current_user, production_request):
        raise NotAllowed("Only the requester edits a draft.")
    doc = document_of(production_request) | changes
    clean = filing.checked(doc, production_request.id)
    filing.save_draft(production_request, current_user, clean, version, submit=submit)


def _starting_document(args: dict) -> dict:
    """The template's (or the group's) defaults, which the sent fields then override; slices
    sent without steps get the template's chain."""
    group = db.session.scalar(
        sa.select(WorkingGroup).where(WorkingGroup.code == (args.get("working_group") or ""))
    )
    template_id = args.get("template_id")
    template = db.session.get(RequestTemplate, template_id) if template_id else None
    if template is not None and (group is None or template.working_group_id != group.id):
        template = None  # validation refuses the template_id that was sent
    kind = args.get("request_type") or (template.request_type if template else "")
    start = starting_document(group, kind, template)
    chain = start.pop("default_steps", None) or []
    for piece in args.get("slices") or []:
        piece.setdefault("steps", [dict(step) for step in chain])
    return start
