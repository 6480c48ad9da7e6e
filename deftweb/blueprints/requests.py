"""Request pages."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.services import request_views

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
