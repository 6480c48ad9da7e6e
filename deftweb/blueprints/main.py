"""The dashboard."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from deftweb.services import dashboard

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    return render_template(
        "dashboard/page.html",
        request_counts=dashboard.request_status_counts(),
        task_counts=dashboard.task_status_counts(),
        recent_requests=dashboard.recent_requests(),
        recent_tasks=dashboard.recent_tasks(),
        my_requests=dashboard.my_requests(current_user),
        to_review=dashboard.waiting_for_review(current_user),
    )
