"""htmx helpers: tell fragment requests from page requests, flash through `HX-Trigger`."""

import json

from flask import Response, flash, get_flashed_messages, request


def is_htmx() -> bool:
    """A fragment request: sent by htmx, and not a history restore (which needs the full page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


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


__all__ = ["flash", "flash_to_htmx", "is_htmx", "trigger_flash"]
