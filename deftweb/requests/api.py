"""API: requests."""

from flask_login import login_required

from deftweb.api import api_blueprint
from deftweb.listing.api import page_as_json
from deftweb.requests import queries as request_queries
from deftweb.requests import table as request_table
from deftweb.requests.schemas import RequestListArgs, RequestListPageSchema, RequestSchema

blp = api_blueprint("api_requests", __name__, "Production requests with their slices and steps")


@blp.get("/requests/<id:request_id>")
@blp.response(200, RequestSchema)
@blp.alt_response(404, description="No such request")
@login_required
def get_request(request_id: int):
    """One request, with its slices and their step chains."""
    return request_queries.get_request(request_id, content=True)


@blp.get("/requests")
@blp.arguments(RequestListArgs, location="query", as_kwargs=False)
@blp.response(200, RequestListPageSchema)
@blp.alt_response(422, description="A filter value that cannot be read")
@login_required
def list_requests(args):
    """Requests matching the filters (no slices: get one request for those)."""
    return page_as_json(request_table.TABLE, args)
