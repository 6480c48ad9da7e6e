"""Walking a table page by page, as a user pressing "Next" would."""

from werkzeug.datastructures import MultiDict

from deftweb.listing.table import Table


def walk(table: Table, args: dict, size: int = 20) -> list[int]:
    """Every id the table lists for `args`, following the next-page cursor to the end."""
    query = MultiDict({**args, "size": str(size)})
    seen: list[int] = []
    while True:
        listing = table.read(query)
        assert listing.is_valid, listing.errors
        page = table.page(listing)
        seen.extend(row.id for row in page.rows)
        if not page.next_cursor:
            return seen
        query = MultiDict({**args, "size": str(size), "after": page.next_cursor})
