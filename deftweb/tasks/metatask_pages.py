"""Meta-task pages: a chain of tasks or a request's step chains as a picture, GraphML export,
and GraphML import into a draft request."""

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.errors import show_refusals_in
from deftweb.htmx import flash
from deftweb.models import WorkingGroup, db
from deftweb.requests import queries as request_queries
from deftweb.tasks import metatasks
from deftweb.tasks import queries as task_queries
from deftweb.tasks.actions import RULES
from deftweb.tasks.metatask_import import import_metatask, read_graphml

bp = Blueprint("metatasks", __name__, url_prefix="/metatasks")


def load_task_graph(task_id: int):
    """The task's connected set, after the view check; 404 for a task that does not exist."""
    task_queries.get_task(task_id)
    return metatasks.task_graph(task_id)


def load_request_graph(request_id: int):
    production_request = request_queries.get_request(request_id, content=True)
    return production_request, metatasks.request_graph(production_request)


def graphml_response(graph, filename: str) -> Response:
    return Response(
        metatasks.as_graphml(graph),
        mimetype="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/task/<task_id:task_id>")
@login_required
def task_chain(task_id: int):
    graph = load_task_graph(task_id)
    rows = [data for _, data in graph.nodes(data=True)]
    priorities = task_queries.priorities_of([row["task_id"] for row in rows])
    return render_template(
        "metatasks/page.html",
        title=f"Meta-task of task {task_id}",
        lead=f"{graph.number_of_nodes()} tasks linked by parent and chain.",
        picture=metatasks.layout(graph),
        current=task_id,
        tasks=[row | {"priority": priorities.get(row["task_id"])} for row in rows],
        action_choices=[(action.value, rule.label) for action, rule in RULES.items()],
        graphml_url=url_for(".task_graphml", task_id=task_id),
        json_url=url_for("api_metatasks.task_metatask", task_id=task_id),
        back_url=url_for("tasks.detail", task_id=task_id),
        back_label=f"Task {task_id}",
    )


@bp.get("/task/<task_id:task_id>.graphml")
@login_required
def task_graphml(task_id: int):
    return graphml_response(load_task_graph(task_id), f"metatask-{task_id}.graphml")


@bp.get("/request/<id:request_id>")
@login_required
def request_chains(request_id: int):
    production_request, graph = load_request_graph(request_id)
    return render_template(
        "metatasks/page.html",
        title=f"Step chains of request {request_id}",
        lead=f"{len(production_request.slices)} slices, {graph.number_of_nodes()} steps.",
        picture=metatasks.layout(graph),
        current=None,
        tasks=[],
        graphml_url=url_for(".request_graphml", request_id=request_id),
        json_url=url_for("api_metatasks.request_metatask", request_id=request_id),
        back_url=url_for("requests.detail", request_id=request_id),
        back_label=f"Request {request_id}",
    )


@bp.get("/request/<id:request_id>.graphml")
@login_required
def request_graphml(request_id: int):
    _, graph = load_request_graph(request_id)
    return graphml_response(graph, f"request-{request_id}.graphml")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_graphml():
    everyone = db.session.scalars(db.select(WorkingGroup).order_by(WorkingGroup.code))
    groups = [g for g in everyone if policy.can_file_request_for(current_user, g)]
    policy.require(bool(groups), "Only members of a working group may import a meta-task.")
    if request.method == "GET":
        return _import_form(groups, {})
    group = next((g for g in groups if g.code == request.form.get("group")), None)
    if group is None:
        return _import_form(groups, {"group": "Choose one of your working groups."}, 422)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_form(groups, {"file": "Choose a GraphML file."}, 422)
    limit = current_app.config["METATASK_GRAPHML_MAX_BYTES"]
    show_refusals_in(lambda refusal: _import_form(groups, {"file": refusal.message}, 422))
    graph = read_graphml(upload.stream.read(limit + 1), limit)
    created = import_metatask(graph, current_user, group, request.form.get("description", ""))
    db.session.commit()
    flash(f"Imported as draft request {created.id}.", "success")
    return redirect(url_for("requests.detail", request_id=created.id))


def _import_form(groups, errors: dict, status: int = 200):
    page = render_template(
        "metatasks/import.html",
        groups=groups,
        errors=errors,
        form=request.form,
        max_bytes=current_app.config["METATASK_GRAPHML_MAX_BYTES"],
    )
    return page, status
