"""The list endpoints' engine: a table's page for the API, filtered like the pages and paged by
cursor (the request and task APIs each serve their table through it)."""

from flask_smorest import abort
from werkzeug.datastructures import MultiDict

from deftweb.listing.table import Table


def page_as_json(table: Table, args: dict) -> dict:
    """The page of `table` the query arguments name, as a list endpoint answers it; filters that
    cannot be read are a 422 naming each (`#query/<filter>`)."""
    query = MultiDict()
    for key, value in args.items():
        for item in value if isinstance(value, list) else [value]:
            query.add(key, str(item))
    listing = table.read(query)
    if not listing.is_valid:
        errors = [{"pointer": f"#query/{k}", "detail": m} for k, m in listing.errors.items()]
        abort(422, message="Some filters cannot be read.", errors=errors)
    page = table.page(listing)
    return {
        "items": page.rows,
        "count": page.count,
        "count_capped": page.count_capped,
        "next_cursor": page.next_cursor,
    }
