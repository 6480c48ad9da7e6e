"""API: requests."""

from flask_login import login_required

from deftweb.api import api_blueprint
from deftweb.schemas.requests import RequestSchema
from deftweb.services import request_views

blp = api_blueprint("api_requests", __name__, "Production requests with their slices and steps")


@blp.get("/requests/<id:request_id>")
@blp.response(200, RequestSchema)
@blp.alt_response(404, description="No such request")
@login_required
def get_request(request_id: int):
    """One request, with its slices and their step chains."""
    return request_views.get_request(request_id, content=True)
