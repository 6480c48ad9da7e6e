"""API: meta-tasks (connected tasks, or a request's step chains) as JSON and as GraphML."""

import marshmallow as ma
from flask_login import login_required

from deftweb.api import api_blueprint
from deftweb.blueprints.metatasks import graphml_response, load_request_graph, load_task_graph
from deftweb.services import metatasks

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


@blp.get("/metatasks/<int:task_id>")
@blp.response(200, MetataskSchema)
@blp.alt_response(404, description="No such task")
@login_required
def task_metatask(task_id: int):
    """The tasks linked to a task by parent and chain, as nodes and parent -> child edges."""
    return metatasks.as_json(load_task_graph(task_id))


@blp.get("/metatasks/<int:task_id>/graphml")
@blp.response(200, content_type="application/graphml+xml")
@blp.alt_response(404, description="No such task")
@login_required
def task_metatask_graphml(task_id: int):
    """The same meta-task as GraphML (NetworkX `write_graphml`)."""
    return graphml_response(load_task_graph(task_id), f"metatask-{task_id}.graphml")


@blp.get("/requests/<int:request_id>/metatask")
@blp.response(200, MetataskSchema)
@blp.alt_response(404, description="No such request")
@login_required
def request_metatask(request_id: int):
    """A request's step chains (one part per slice), with the task of each defined step."""
    return metatasks.as_json(load_request_graph(request_id)[1])


@blp.get("/requests/<int:request_id>/metatask/graphml")
@blp.response(200, content_type="application/graphml+xml")
@blp.alt_response(404, description="No such request")
@login_required
def request_metatask_graphml(request_id: int):
    """A request's step chains as GraphML: importable again as a draft request."""
    _, graph = load_request_graph(request_id)
    return graphml_response(graph, f"request-{request_id}.graphml")
