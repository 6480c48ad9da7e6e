"""The request table: its page, count and export (the request page and the table's bulk bar
are review pages, `deftweb.review.pages`, on this blueprint)."""

from flask import Blueprint
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.listing.pages import count_table, export_table, show_table
from deftweb.models.transitions import BULK_ACTION_LABELS
from deftweb.requests import table as request_table

bp = Blueprint("requests", __name__, url_prefix="/requests")


@bp.get("/")
@login_required
def index():
    """The request table: filters, sort, chosen columns and the page, all in the URL."""
    allowed = policy.can_bulk_move_requests(current_user)
    return show_table(request_table.TABLE, BULK_ACTION_LABELS if allowed else None)


@bp.get("/count")
@login_required
def count():
    """How many requests the current view matches, up to the cap: fetched by the list page."""
    return count_table(request_table.TABLE)


@bp.get("/export.<any(csv, json):file_format>")
@login_required
def export(file_format: str):
    """Every request of the current view, streamed as CSV or JSON."""
    return export_table(request_table.TABLE, file_format)
