"""API: tasks."""

from flask_login import current_user, login_required

from deftweb.api import api_blueprint
from deftweb.auth import policy
from deftweb.schemas.tasks import TaskSchema
from deftweb.services import task_views

blp = api_blueprint("api_tasks", __name__, "Production tasks (JEDI task ids)")


@blp.get("/tasks/<int:task_id>")
@blp.response(200, TaskSchema)
@blp.alt_response(404, description="No such task")
@login_required
def get_task(task_id: int):
    """One task."""
    task = task_views.get_task_or_404(task_id)
    policy.require(policy.can_view_task(current_user, task))
    return task
