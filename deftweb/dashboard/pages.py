"""The dashboard_queries."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from deftweb.dashboard import queries as dashboard_queries

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    return render_template(
        "dashboard/page.html",
        request_counts=dashboard_queries.request_status_counts(),
        task_counts=dashboard_queries.task_status_counts(),
        recent_requests=dashboard_queries.recent_requests(),
        recent_tasks=dashboard_queries.recent_tasks(),
        my_requests=dashboard_queries.my_requests(current_user),
        to_review=dashboard_queries.waiting_for_review(current_user),
    )
