"""API: tasks, the tasks of a request, task actions, JEDI status reports, task definition."""

import sqlalchemy as sa
from flask import current_app, g
from flask_login import current_user, login_required
from flask_smorest import abort

from deftweb.api import api_blueprint
from deftweb.auth import policy
from deftweb.listing.api import page_as_json
from deftweb.models import Task, db
from deftweb.requests import queries as request_queries
from deftweb.tasks import actions as task_actions
from deftweb.tasks import jedi_sync
from deftweb.tasks import queries as task_queries
from deftweb.tasks import table as task_table
from deftweb.tasks.definition import define_tasks
from deftweb.tasks.schemas import (
    ActionResultSchema,
    BulkActionResultSchema,
    BulkTaskActionArgsSchema,
    DefineResultSchema,
    PageArgsSchema,
    StatusReportArgsSchema,
    SyncResultSchema,
    TaskActionArgsSchema,
    TaskDetailSchema,
    TaskListArgs,
    TaskListPageSchema,
    TaskPageSchema,
    TaskSchema,
)

blp = api_blueprint("api_tasks", __name__, "Production tasks (JEDI task ids)")


@blp.get("/tasks/<task_id:task_id>")
@blp.response(200, TaskDetailSchema)
@blp.alt_response(404, description="No such task")
@login_required
def get_task(task_id: int):
    """One task, with its JEDI parameters, its datasets and the actions open to the caller."""
    task = task_queries.get_task(task_id)
    handoff = task_queries.handoff_of(task_id)
    return {
        **{name: getattr(task, name) for name in TaskSchema().fields},
        "handoff_status": handoff.status if handoff else None,
        "parameters": handoff.parameters if handoff else None,
        "datasets": task_queries.datasets_of(task_id),
        "monitor_url": current_app.config["MONITOR_TASK_URL"].format(id=task_id),
        "actions": task_actions.allowed_actions(current_user, task),
    }


@blp.get("/requests/<id:request_id>/tasks")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TaskPageSchema)
@blp.alt_response(404, description="No such request")
@login_required
def get_request_tasks(args, request_id: int):
    """The tasks of a request, by task id, a page at a time."""
    request_queries.get_request(request_id)
    query = sa.select(Task).where(Task.request_id == request_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    items = db.session.scalars(
        query.order_by(Task.id).offset((page - 1) * per_page).limit(per_page)
    )
    return {"items": list(items), "total": total, "page": page, "per_page": per_page}


@blp.post("/tasks/<task_id:task_id>/actions")
@blp.arguments(TaskActionArgsSchema)
@blp.response(200, ActionResultSchema)
@blp.alt_response(403, description="Your roles do not allow this action on this task")
@blp.alt_response(404, description="No such task")
@blp.alt_response(409, description="The task's status does not allow the action (now)")
@blp.alt_response(422, description="Bad input, e.g. a missing or out-of-range priority")
@login_required
def post_task_action(args, task_id: int):
    """Abort, finish, retry, change the priority of, or obsolete one task."""
    (result,) = _perform(args, [task_id])
    if not result.ok:
        abort(result.status_code, message=result.message)
    db.session.commit()
    return result


@blp.post("/tasks/actions")
@blp.arguments(BulkTaskActionArgsSchema)
@blp.response(200, BulkActionResultSchema)
@blp.alt_response(422, description="Bad input, e.g. a missing or out-of-range priority")
@login_required
def post_bulk_task_action(args):
    """One action on many tasks; each is authorised on its own and answered on its own."""
    results = _perform(args, args["task_ids"])
    db.session.commit()
    succeeded = sum(r.ok for r in results)
    return {"results": results, "succeeded": succeeded, "refused": len(results) - succeeded}


def _perform(args: dict, task_ids: list[int]):
    return task_actions.perform(current_user, args["action"], task_ids, args["priority"])


@blp.post("/tasks/status")
@blp.arguments(StatusReportArgsSchema)
@blp.response(200, SyncResultSchema)
@blp.alt_response(403, description="Only JEDI's service accounts (certificate) and admins")
@login_required
def post_task_status(args):
    """JEDI's task reports: write them into the hand-off table, then sync the tasks and requests."""
    policy.require(
        policy.can_report_task_status(current_user, g.get("auth_method")),
        "Only JEDI's service accounts, signed in by certificate, report task status.",
    )
    unknown = jedi_sync.record_jedi_report(args["tasks"]) if args["tasks"] else []
    result = jedi_sync.sync_jedi()
    db.session.commit()
    requests = {str(k): v for k, v in result.requests.items()}
    return {"synced": result.tasks, "requests": requests, "unknown_task_ids": unknown}


@blp.post("/requests/<id:request_id>/define-tasks")
@blp.response(200, DefineResultSchema)
@blp.alt_response(403, description="Production managers only, on approved or working requests")
@login_required
def post_define_tasks(request_id: int):
    """Run task definition again (after fixing what failed); `error` says why it failed."""
    production_request = request_queries.get_request(request_id, policy.can_define_tasks)
    ids = define_tasks(production_request, current_user)
    db.session.commit()
    return {"task_ids": ids, "error": production_request.error}


@blp.get("/tasks")
@blp.arguments(TaskListArgs, location="query", as_kwargs=False)
@blp.response(200, TaskListPageSchema)
@blp.alt_response(422, description="A filter value that cannot be read")
@login_required
def list_tasks(args):
    """Tasks matching the filters, newest first unless `sort` says otherwise."""
    return page_as_json(task_table.TABLE, args)
