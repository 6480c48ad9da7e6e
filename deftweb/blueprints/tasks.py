"""Task pages."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.services import task_views

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
