"""Task action pages: one task's buttons, bulk actions with a result per task, and running task
definition again on an approved request."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.auth.next_url import safe_next_url
from deftweb.errors import show_refusals_in
from deftweb.htmx import flash
from deftweb.listing import bulk as listing_bulk
from deftweb.models import Task, db
from deftweb.models.base import stored_integer
from deftweb.requests import queries as request_queries
from deftweb.tasks import actions as task_actions
from deftweb.tasks import queries as task_queries
from deftweb.tasks.definition import define_tasks

bp = Blueprint("task_actions", __name__)


def form_priority() -> int | None:
    """The priority field as a number; None when it is none a task can hold (the service says
    what is wrong)."""
    return stored_integer(request.form.get("priority"), Task.priority)


def form_action() -> str:
    action = request.form.get("action") or ""
    if action not in set(task_actions.TaskAction):
        abort(400, f"Unknown task action {action!r}.")
    return action


@bp.post("/tasks/<task_id:task_id>/actions")
@login_required
def act(task_id: int):
    task_queries.get_task(task_id, policy.can_act_on_task)
    show_refusals_in(lambda refusal: _flash_back(refusal, url_for("tasks.detail", task_id=task_id)))
    (result,) = task_actions.perform(current_user, form_action(), [task_id], form_priority())
    db.session.commit()
    flash(result.message, "success" if result.ok else "error")
    return redirect(url_for("tasks.detail", task_id=task_id))


@bp.post("/tasks/actions")
@login_required
def bulk():
    """One action on many tasks; the page lists what happened to each."""
    task_ids = list(listing_bulk.ticked_rows(request.form.getlist("task_id"), Task.id, "task"))
    back = safe_next_url(request.form.get("next"))
    if not task_ids:
        flash("Select at least one task.", "error")
        return redirect(back)
    if len(task_ids) > listing_bulk.BULK_LIMIT:
        abort(400, f"At most {listing_bulk.BULK_LIMIT:,} tasks at once.")
    show_refusals_in(lambda refusal: _flash_back(refusal, back))
    results = task_actions.perform(current_user, form_action(), task_ids, form_priority())
    db.session.commit()
    return render_template("tasks/bulk_result.html", results=results, back=back)


@bp.post("/requests/<id:request_id>/define-tasks")
@login_required
def define(request_id: int):
    """Run task definition again, after what failed has been fixed."""
    production_request = request_queries.get_request(request_id, policy.can_define_tasks)
    ids = define_tasks(production_request, current_user)
    db.session.commit()
    if ids:
        flash(f"{len(ids)} tasks defined: {ids[0]} to {ids[-1]}.", "success")
    else:
        flash(f"Task definition failed: {production_request.error}", "error")
    return redirect(url_for("requests.detail", request_id=request_id))


def _flash_back(refusal, url: str):
    """A refused action form: the message flashed on the page it came from."""
    flash(refusal.message, "error")
    return redirect(url)
