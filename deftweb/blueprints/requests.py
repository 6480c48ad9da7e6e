"""Request pages."""

from flask import Blueprint, request
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.blueprints import review
from deftweb.blueprints.listing_views import bulk_action, count_table, export_table, show_table
from deftweb.services import request_list, request_views, review_moves
from deftweb.services.transitions import BULK_ACTION_LABELS

bp = Blueprint("requests", __name__, url_prefix="/requests")


@bp.get("/<id:request_id>")
@login_required
def detail(request_id: int):
    return review.render_request_page(request_views.get_request(request_id, content=True))


@bp.get("/")
@login_required
def index():
    """The request table: filters, sort, chosen columns and the page, all in the URL."""
    allowed = policy.can_bulk_move_requests(current_user)
    return show_table(request_list.TABLE, BULK_ACTION_LABELS if allowed else None)


@bp.get("/count")
@login_required
def count():
    """How many requests the current view matches, up to the cap: fetched by the list page."""
    return count_table(request_list.TABLE)


@bp.get("/export.<any(csv, json):file_format>")
@login_required
def export(file_format: str):
    """Every request of the current view, streamed as CSV or JSON."""
    return export_table(request_list.TABLE, file_format)


@bp.post("/bulk")
@login_required
def bulk():
    """One action on the ticked requests, or on every request of the view: a result per request."""
    policy.require(policy.can_bulk_move_requests(current_user))
    comment = request.form.get("comment", "")
    return bulk_action(
        request_list.TABLE,
        BULK_ACTION_LABELS,
        lambda action, rows: review_moves.act_on_table_rows(current_user, action, rows, comment),
    )
