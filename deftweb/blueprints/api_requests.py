"""API: requests."""

from flask_login import current_user, login_required

from deftweb.api import api_blueprint
from deftweb.auth import policy
from deftweb.schemas.requests import RequestSchema
from deftweb.services import request_views

blp = api_blueprint("api_requests", __name__, "Production requests with their slices and steps")


@blp.get("/requests/<id:request_id>")
@blp.response(200, RequestSchema)
@blp.alt_response(404, description="No such request")
@login_required
def get_request(request_id: int):
    """One request, with its slices and their step chains."""
    production_request = request_views.get_request_or_404(request_id)
    policy.require(policy.can_view_request(current_user, production_request))
    return production_request
