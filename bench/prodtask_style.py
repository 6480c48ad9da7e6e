"""The reference: the same list pages built the way ATLAS prodtask builds its DataTables.

OFFSET paging, an exact count of all rows and of the filtered rows, and a global search that ORs
`UPPER(column) LIKE '%TERM%'` over every text column. Registered only in the bench's app.
"""

import sqlalchemy as sa
from flask import Blueprint, Flask, request, url_for
from flask_login import login_required

from deftweb.listing.pages import render_listing
from deftweb.listing.table import Page
from deftweb.models import Request, Task, db
from deftweb.requests import table as request_table
from deftweb.tasks import table as task_table

bp = Blueprint("prodtask_style", __name__, url_prefix="/bench/prodtask")

SEARCHED = {
    "tasks": (Task.name, Task.project, Task.username, Task.working_group, Task.campaign,
              Task.step_name, Task.ami_tag, Task.output_formats, Task.status),
    "requests": (Request.description, Request.request_type, Request.provenance, Request.status,
                 Request.cc, Request.reference_link),
}  # fmt: skip


def with_reference(app: Flask) -> Flask:
    """`app` with the reference pages mounted under /bench/prodtask."""
    app.register_blueprint(bp)
    return app


@bp.get("/tasks")
@login_required
def tasks():
    return _datatable(task_table.TABLE)


@bp.get("/requests")
@login_required
def requests():
    return _datatable(request_table.TABLE)


def _datatable(table):
    listing = table.read(request.args)
    query = table.query(listing)
    term = request.args.get("search", "")
    if term:
        pattern = f"%{term.upper()}%"
        columns = SEARCHED[table.endpoint]
        query = query.where(sa.or_(*(sa.func.upper(c).like(pattern) for c in columns)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(table.model))
    filtered = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    start = int(request.args.get("start", 0))
    ordered = query.options(*table.loads(listing)).order_by(table.model.id.desc())
    rows = list(db.session.scalars(ordered.offset(start).limit(listing.size)).unique())
    page = Page(rows, filtered, False, next_cursor=None, previous_cursor=None)
    return render_listing(table, listing, page, url_for(f"{table.endpoint}.index"), total=total)
