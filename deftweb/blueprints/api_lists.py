"""API: the request and task tables, filtered like the pages and paged by cursor."""

from flask_login import login_required
from flask_smorest import abort
from werkzeug.datastructures import MultiDict

from deftweb.api import api_blueprint
from deftweb.schemas.listing import (
    RequestListArgs,
    RequestListPageSchema,
    TaskListArgs,
    TaskListPageSchema,
)
from deftweb.services.listing import Table
from deftweb.services.request_list import TABLE as REQUEST_TABLE
from deftweb.services.task_list import TABLE as TASK_TABLE

blp = api_blueprint("api_lists", __name__, "Request and task lists: filters and cursor paging")


@blp.get("/tasks")
@blp.arguments(TaskListArgs, location="query", as_kwargs=False)
@blp.response(200, TaskListPageSchema)
@blp.alt_response(422, description="A filter value that cannot be read")
@login_required
def list_tasks(args):
    """Tasks matching the filters, newest first unless `sort` says otherwise."""
    return _page(TASK_TABLE, args)


@blp.get("/requests")
@blp.arguments(RequestListArgs, location="query", as_kwargs=False)
@blp.response(200, RequestListPageSchema)
@blp.alt_response(422, description="A filter value that cannot be read")
@login_required
def list_requests(args):
    """Requests matching the filters (no slices: get one request for those)."""
    return _page(REQUEST_TABLE, args)


def _page(table: Table, args: dict) -> dict:
    query = MultiDict()
    for key, value in args.items():
        for item in value if isinstance(value, list) else [value]:
            query.add(key, str(item))
    listing = table.read(query)
    if not listing.is_valid:
        errors = [{"pointer": f"#query/{k}", "detail": m} for k, m in listing.errors.items()]
        abort(422, message="Some filters cannot be read.", errors=errors)
    page = table.page(listing)
    return {
        "items": page.rows,
        "count": page.count,
        "count_capped": page.count_capped,
        "next_cursor": page.next_cursor,
    }
