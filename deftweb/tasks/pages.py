"""Task pages."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.listing.pages import bulk_action, count_table, export_table, show_table
from deftweb.tasks import actions as task_actions
from deftweb.tasks import metatasks
from deftweb.tasks import queries as task_queries
from deftweb.tasks import table as task_table
from deftweb.tasks.action_pages import form_priority

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
#: Chains up to this many tasks are drawn on the task page; bigger ones on their own page.
PICTURE_LIMIT = 40


@bp.get("/<task_id:task_id>")
@login_required
def detail(task_id: int):
    task = task_queries.get_task(task_id)
    return render_template(
        "tasks/detail.html",
        task=task,
        handoff=task_queries.handoff_of(task_id),
        datasets=task_queries.datasets_of(task_id),
        parent=task_queries.parent_of(task),
        children=task_queries.children_of(task_id),
        monitor_url=current_app.config["MONITOR_TASK_URL"].format(id=task.id),
        **task_page_extras(task),
    )


def task_page_extras(task) -> dict:
    """The chain picture (small chains only), the actions open to this user, and the history."""
    graph = metatasks.task_graph(task.id, limit=PICTURE_LIMIT + 1)
    return {
        "picture": metatasks.layout(graph) if len(graph) <= PICTURE_LIMIT else None,
        "actions": task_actions.allowed_actions(current_user, task),
        "rules": task_actions.RULES,
        "priority_cap": policy.task_priority_cap(current_user, task),
        "history": task_queries.history_of(task.id),
        "commands": task_queries.commands_of(task.id),
    }


@bp.get("/")
@login_required
def index():
    """The task table: filters, sort, chosen columns and the page, all in the URL."""
    allowed = policy.can_bulk_act_on_tasks(current_user)
    return show_table(task_table.TABLE, task_actions.TABLE_ACTIONS if allowed else None)


@bp.get("/count")
@login_required
def count():
    """How many tasks the current view matches, up to the cap: fetched by the list page."""
    return count_table(task_table.TABLE)


@bp.get("/export.<any(csv, json):file_format>")
@login_required
def export(file_format: str):
    """Every task of the current view, streamed as CSV or JSON."""
    return export_table(task_table.TABLE, file_format)


@bp.post("/bulk")
@login_required
def bulk():
    """One action on the ticked tasks, or on every task of the view: a result per task."""
    policy.require(policy.can_bulk_act_on_tasks(current_user))
    priority = form_priority()
    return bulk_action(
        task_table.TABLE,
        task_actions.TABLE_ACTIONS,
        lambda action, rows: task_actions.act_on_table_rows(
            current_user, action, list(rows), priority
        ),
    )
