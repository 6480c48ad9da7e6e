"""Request pages."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from deftweb.blueprints.listing_views import export_table, show_table

from deftweb.auth import policy
from deftweb.services import request_list, request_views

bp = Blueprint("requests", __name__, url_prefix="/requests")


@bp.get("/<int:request_id>")
@login_required
def detail(request_id: int):
    production_request = request_views.get_request_or_404(request_id)
    policy.require(policy.can_view_request(current_user, production_request))
    return render_template(
        "requests/detail.html",
        req=production_request,
        tasks=request_views.tasks_of_request(request_id),
    )


@bp.get("/")
@login_required
def index():
    """The request table: filters, sort, chosen columns and the page, all in the URL."""
    return show_table(request_list.TABLE)


@bp.get("/export.<any(csv, json):file_format>")
@login_required
def export(file_format: str):
    """Every request of the current view, streamed as CSV or JSON."""
    return export_table(request_list.TABLE, file_format)
