"""htmx helpers: one rule for "fragment or page", flash through `HX-Trigger`."""

import json

from flask import Response, flash, get_flashed_messages, make_response, render_template, request

#: The request headers that choose between a page and a fragment; answers vary on them.
FRAGMENT_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-History-Restore-Request")


def is_htmx() -> bool:
    """Sent by htmx (boosted links and forms included), and not a history restore (which needs
    the full page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def wants_fragment(target: str | None = None) -> bool:
    """A request for part of a page: sent by htmx from one of our elements (not a boosted link or
    form, which wants the page), aimed at the element `target` when one is named."""
    if not is_htmx() or request.headers.get("HX-Boosted"):
        return False
    return target is None or request.headers.get("HX-Target") == target


def render_page_or_fragment(
    page: str, fragment: str, /, *, target: str | None = None, http_status: int = 200, **context
) -> Response:
    """`fragment` when `wants_fragment(target)`, else `page` (which includes the fragment); the
    templates see `fragment` as true or false, and `Vary` names the headers that chose."""
    chosen = wants_fragment(target)
    html = render_template(fragment if chosen else page, **context | {"fragment": chosen})
    response = make_response(html, http_status)
    response.vary.update(FRAGMENT_HEADERS)
    return response


def trigger_flash(response: Response, message: str, category: str = "info") -> None:
    """Ask the page to show a flash message (deftweb.js listens for the `flash` event)."""
    events = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
    events.setdefault("flash", []).append({"message": message, "category": category})
    response.headers["HX-Trigger"] = json.dumps(events)


def flash_to_htmx(response: Response) -> Response:
    """After an htmx request, move queued flash messages into `HX-Trigger` and mark `Vary`."""
    response.vary.add("HX-Request")
    if is_htmx() and response.status_code < 300:
        for category, message in get_flashed_messages(with_categories=True):
            trigger_flash(response, message, category)
    return response


__all__ = [
    "flash",
    "flash_to_htmx",
    "is_htmx",
    "render_page_or_fragment",
    "trigger_flash",
    "wants_fragment",
]
