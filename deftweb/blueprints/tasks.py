"""Task pages."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from deftweb.blueprints.listing_views import export_table, show_table

from deftweb.auth import policy
from deftweb.services import task_list, task_views

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


@bp.get("/<int:task_id>")
@login_required
def detail(task_id: int):
    task = task_views.get_task_or_404(task_id)
    policy.require(policy.can_view_task(current_user, task))
    return render_template(
        "tasks/detail.html",
        task=task,
        handoff=task_views.handoff_of(task_id),
        datasets=task_views.datasets_of(task_id),
        parent=task_views.parent_of(task),
        children=task_views.children_of(task_id),
        monitor_url=current_app.config["MONITOR_TASK_URL"].format(id=task.id),
    )


@bp.get("/")
@login_required
def index():
    """The task table: filters, sort, chosen columns and the page, all in the URL."""
    return show_table(task_list.TABLE)


@bp.get("/export.<any(csv, json):file_format>")
@login_required
def export(file_format: str):
    """Every task of the current view, streamed as CSV or JSON."""
    return export_table(task_list.TABLE, file_format)
