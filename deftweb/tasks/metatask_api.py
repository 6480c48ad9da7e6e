"""API: meta-tasks (connected tasks, or a request's step chains) as JSON and as GraphML."""

import marshmallow as ma
from flask import current_app, request
from flask_login import current_user, login_required

from deftweb.api import api_blueprint
from deftweb.auth import policy
from deftweb.models import WorkingGroup, db
from deftweb.tasks import metatasks
from deftweb.tasks.metatask_import import import_metatask, read_graphml
from deftweb.tasks.metatask_pages import graphml_response, load_request_graph, load_task_graph

blp = api_blueprint("api_metatasks", __name__, "Meta-tasks: task chains as graphs and GraphML")


class EdgeSchema(ma.Schema):
    source = ma.fields.Raw()
    target = ma.fields.Raw()


class MetataskSchema(ma.Schema):
    #: tasks or steps
    kind = ma.fields.String()
    truncated = ma.fields.Boolean()
    #: {id, task_id, name, status, step_name, ami_tag, output_formats, ...}
    nodes = ma.fields.List(ma.fields.Dict())
    edges = ma.fields.List(ma.fields.Nested(EdgeSchema))


@blp.get("/metatasks/<task_id:task_id>")
@blp.response(200, MetataskSchema)
@blp.alt_response(404, description="No such task")
@login_required
def task_metatask(task_id: int):
    """The tasks linked to a task by parent and chain, as nodes and parent -> child edges."""
    return metatasks.as_json(load_task_graph(task_id))


@blp.get("/metatasks/<task_id:task_id>/graphml")
@blp.response(200, content_type="application/graphml+xml")
@blp.alt_response(404, description="No such task")
@login_required
def task_metatask_graphml(task_id: int):
    """The same meta-task as GraphML (NetworkX `write_graphml`)."""
    return graphml_response(load_task_graph(task_id), f"metatask-{task_id}.graphml")


@blp.get("/requests/<id:request_id>/metatask")
@blp.response(200, MetataskSchema)
@blp.alt_response(404, description="No such request")
@login_required
def request_metatask(request_id: int):
    """A request's step chains (one part per slice), with the task of each defined step."""
    return metatasks.as_json(load_request_graph(request_id)[1])


@blp.get("/requests/<id:request_id>/metatask/graphml")
@blp.response(200, content_type="application/graphml+xml")
@blp.alt_response(404, description="No such request")
@login_required
def request_metatask_graphml(request_id: int):
    """A request's step chains as GraphML: importable again as a draft request."""
    _, graph = load_request_graph(request_id)
    return graphml_response(graph, f"request-{request_id}.graphml")


class ImportArgsSchema(ma.Schema):
    #: The working group the draft request is filed for (one of yours).
    group = ma.fields.String(required=True)
    #: Empty: the graph's own `description` attribute.
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=256))


class ImportResultSchema(ma.Schema):
    request_id = ma.fields.Integer()
    slices = ma.fields.Integer()
    steps = ma.fields.Integer()


@blp.post("/metatasks/import")
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(201, ImportResultSchema)
@blp.alt_response(403, description="You are not a member of that working group")
@blp.alt_response(422, description="Not a safe, well-formed GraphML meta-task; `detail` says why")
@login_required
def import_metatask_graphml(args):
    """Import a GraphML meta-task (the request body) as a draft request with that chain."""
    group = db.session.scalars(db.select(WorkingGroup).filter_by(code=args["group"])).first()
    policy.require(
        group is not None and policy.can_file_request_for(current_user, group),
        "Only members of the working group may file a request for it.",
    )
    limit = current_app.config["METATASK_GRAPHML_MAX_BYTES"]
    graph = read_graphml(request.stream.read(limit + 1), limit)
    created = import_metatask(graph, current_user, group, args["description"])
    db.session.commit()
    steps = sum(len(piece.steps) for piece in created.slices)
    return {"request_id": created.id, "slices": len(created.slices), "steps": steps}
