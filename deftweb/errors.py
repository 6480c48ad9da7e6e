"""Error answers: a friendly page for people, a problem detail (RFC 9457) for JSON clients."""

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from deftweb.api import API_PREFIX
from deftweb.htmx import is_htmx, trigger_flash
from deftweb.models import db

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def wants_json() -> bool:
    if request.path.startswith(API_PREFIX + "/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_TYPE])
    return best in ("application/json", PROBLEM_TYPE)


def handle_http_error(error: HTTPException):
    if error.code and error.code >= 500:
        db.session.rollback()
    data = getattr(error, "data", None) or {}
    detail = data.get("message") or error.description
    headers = dict(data.get("headers") or {})
    if wants_json():
        response = problem_response(error.code, error.name, detail, field_errors(data))
    else:
        page = render_template("errors/error.html", error=error, detail=detail)
        response = make_response(page, error.code)
    response.headers.update(headers)
    if is_htmx():
        trigger_flash(response, detail, "error")
    return response


def handle_unexpected_error(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def problem_response(status: int, title: str, detail: str | None = None, errors=None):
    """A problem-detail response; `errors` is a list of {pointer, detail} for bad input fields."""
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.path}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def field_errors(data: dict) -> list[dict]:
    """Flatten webargs/marshmallow messages into [{pointer, detail}] (JSON Pointers, RFC 6901)."""
    messages = data.get("errors") or data.get("messages") or {}
    if isinstance(messages, list):
        return messages
    # webargs nests by location first: {"json": {"field": ["msg"]}}
    found: list[dict] = []
    for location, fields in messages.items():
        prefix = "" if location in ("json", "form", "files") else f"#{location}"
        _walk(fields, prefix, found)
    return found


def _walk(node, pointer: str, found: list[dict]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            _walk(value, f"{pointer}/{escaped}", found)
    elif isinstance(node, list) and all(isinstance(item, str) for item in node):
        found.extend({"pointer": pointer or "/", "detail": item} for item in node)
    else:
        found.append({"pointer": pointer or "/", "detail": str(node)})
