"""What the request and task list pages share: URLs that keep the view, the page or fragment."""

from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from deftweb.htmx import render_page_or_fragment
from deftweb.listing import bulk as listing_bulk
from deftweb.listing import export
from deftweb.listing.bulk import BULK_LIMIT
from deftweb.listing.cells import choice_options, table_rows
from deftweb.listing.table import PAGE_SIZES, Listing, Page, Table
from deftweb.models import db, utcnow

#: URL keys that only move through the table; a new filter or sort starts again at page 1.
PAGING_KEYS = ("after", "before", "page")
LISTING_TARGET = "listing"
BULK_TARGET = "bulk-results"
EXPORT_TYPES = {"csv": "text/csv", "json": "application/json"}


class ViewUrls:
    """Links that keep the current filters, sort and columns, changing one thing each: only the
    keys the table knows, each value once (a query string of a thousand repeats is not echoed into
    every link of the page)."""

    def __init__(self, base: str, args, known: frozenset[str]):
        self.base = base
        pairs = ((k, v) for k, v in args.items(multi=True) if v != "" and k in known)
        self.pairs = list(dict.fromkeys(pairs))

    def _url(self, pairs) -> str:
        query = urlencode(pairs)
        return f"{self.base}?{query}" if query else self.base

    def without(self, *keys: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k not in keys]

    def filtered_by(self, key: str) -> str:
        """The prefix of a link filtering by `key`; the template appends the quoted value."""
        pairs = [*self.without(key, *PAGING_KEYS), (key, "")]
        return self._url(pairs)

    def sorted_by(self, sort: str) -> str:
        return self._url([*self.without("sort", *PAGING_KEYS), ("sort", sort)])

    def page(self, cursor_key: str, cursor: str, number: int) -> str:
        pairs = [*self.without(*PAGING_KEYS), (cursor_key, cursor), ("page", str(number))]
        return self._url(pairs)

    def without_paging(self) -> str:
        return self._url(self.without(*PAGING_KEYS))

    def query_string(self) -> str:
        """The current view without paging: what an export or a bulk action applies to."""
        return urlencode(self.without(*PAGING_KEYS))

    def with_path(self, path: str) -> str:
        query = self.query_string()
        return f"{path}?{query}" if query else path


def render_listing(table: Table, listing: Listing, page: Page | None, base: str, **extra):
    """The full list page, or only the table when htmx asks for the listing fragment."""
    urls = ViewUrls(base, request.args, table.query_keys)
    filter_links = {c.key: urls.filtered_by(c.filter_key) for c in table.columns if c.filter_key}
    bulk_actions = extra.pop("bulk_actions", {})
    shown_as = table.shown_as if bulk_actions else None
    context = {
        "table": table,
        "listing": listing,
        "page": page,
        "urls": urls,
        "rows": table_rows(listing, page, filter_links, shown_as) if page else [],
        "page_sizes": PAGE_SIZES,
        "choice_options": choice_options,
        "bulk_actions": bulk_actions,
        "bulk_limit": BULK_LIMIT,
        **extra,
    }
    return render_page_or_fragment(
        table.page_template, "_listing/table.html", target=LISTING_TARGET, **context
    )


def show_table(table: Table, bulk_actions: dict | None = None):
    """The list page of `table` for the current query string, with a bulk bar if actions."""
    listing = table.read(request.args)
    refuse_damaged_page_link(listing)
    # Where the table has a count route (`count_table`), the capped count comes in a second
    # request: the rows show without waiting for it.
    lazy_count = f"{table.endpoint}.count" in current_app.view_functions
    page = table.page(listing, count=not lazy_count) if listing.is_valid else None
    base = url_for(f"{table.endpoint}.index")
    return render_listing(table, listing, page, base, bulk_actions=bulk_actions or {})


def refuse_damaged_page_link(listing: Listing) -> None:
    """A page link (cursor) none of our pages wrote is a bad request, not a filter to fix."""
    for key in PAGING_KEYS:
        if key in listing.errors:
            abort(400, listing.errors[key])


def count_table(table: Table):
    """The "1,234 tasks" line of the current view, counted up to the cap (an htmx fragment)."""
    listing = table.read(request.args)
    if not listing.is_valid:
        abort(400, " ".join(listing.errors.values()))
    count, capped = table.count(listing)
    return render_template("_listing/count.html", table=table, count=count, capped=capped)


def bulk_action(table: Table, actions: dict, act):
    """Run `act(action, rows)` on the rows the bulk form names (id -> the version shown, see
    `listing_bulk.selected_rows`); show one result per row."""
    action = request.form.get("action", "")
    if action not in actions:
        abort(400, f"Choose one of: {', '.join(actions.values())}.")
    rows = listing_bulk.selected_rows(table, request.form)
    results = act(action, rows)
    db.session.commit()
    view = request.form.get("view", "")
    context = {
        "table": table,
        "results": results,
        "action_label": actions[action],
        "back": url_for(f"{table.endpoint}.index") + (f"?{view}" if view else ""),
    }
    return render_page_or_fragment(
        "_listing/bulk_page.html", "_listing/bulk_results.html", target=BULK_TARGET, **context
    )


def export_table(table: Table, file_format: str):
    """The rows of the current view, streamed as a CSV or JSON download."""
    listing = table.read(request.args)
    if not listing.is_valid:
        problems = "; ".join(f"{key}: {message}" for key, message in listing.errors.items())
        abort(400, f"Fix the filters before exporting ({problems}).")
    rows = export.export_rows(
        table.query(listing),
        table.model.id,
        listing,
        table.sorts,
        current_app.config["EXPORT_ROW_LIMIT"],
        load=table.loads(listing),
    )
    write = export.as_csv if file_format == "csv" else export.as_json
    stamp = utcnow().strftime("%Y%m%dT%H%MZ")
    response = Response(
        stream_with_context(write(rows, listing.columns)),
        mimetype=EXPORT_TYPES[file_format],
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{table.endpoint}-{stamp}.{file_format}"'
    )
    return response
