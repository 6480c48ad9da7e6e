"""Refusals and error answers: one family of refusals that services raise, and one handler that
answers each as a problem detail (RFC 9457) for JSON clients, the form re-rendered with the
message at its field, or a friendly page (flashed too, for htmx) for people."""

import logging
from collections.abc import Callable

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from deftweb.api import API_PREFIX
from deftweb.htmx import is_htmx, trigger_flash
from deftweb.models import db

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


class Refusal(Exception):
    """Something asked for is refused: `message` says why and what to change, `status` is the HTTP
    answer, `pointer` the JSON Pointer (RFC 6901) of the input it is about (None: the whole ask).
    `details` go into the problem's error entry beside pointer and detail (e.g. a `position`)."""

    status = 422

    def __init__(self, message: str, pointer: str | None = None, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.details = details or {}

    @property
    def field(self) -> str | None:
        """The top-level field the pointer names: `description` for `/description`."""
        return self.pointer.lstrip("/").split("/")[0] if self.pointer else None

    def errors(self) -> list[dict]:
        """The problem detail's `errors`: each bad input with its pointer."""
        if self.pointer is None:
            return []
        return [{"pointer": self.pointer, "detail": self.message, **self.details}]

    def messages(self) -> dict[str, str]:
        """What a form shows: each bad input's pointer -> its message (`/`: the whole form)."""
        return {e["pointer"]: e["detail"] for e in self.errors()} or {"/": self.message}


class InvalidInput(Refusal):
    """The input cannot be used as it is: 422, the message at the field."""

    status = 422


class InvalidFields(InvalidInput):
    """A document (a request, a template) that fails validation: `problems` maps each bad
    field's pointer to its message, and every one of them is answered."""

    def __init__(self, problems: dict[str, str]):
        pointer, message = next(iter(problems.items()))
        super().__init__(f"{len(problems)} field(s) need a change; first: {message}", pointer)
        self.problems = problems

    def errors(self) -> list[dict]:
        return [{"pointer": p, "detail": m} for p, m in self.problems.items()]


class NotAllowed(Refusal):
    """The user's roles do not allow it: 403."""

    status = 403


class NotFound(Refusal):
    """What the ask names does not exist: 404."""

    status = 404


class Conflict(Refusal):
    """The state forbids it, or it changed since it was shown: 409."""

    status = 409


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(Refusal, handle_refusal)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def show_refusals_in(render: Callable[[Refusal], object]) -> None:
    """This request's form page: a refusal from here on comes back as `render(refusal)`, the form
    filled in with what was sent and the message at its field, instead of an error page."""
    g.refusal_form = render


def handle_refusal(refusal: Refusal):
    """The one answer to a refusal. Routes commit only after their service succeeded, so nothing
    the refused request changed is kept (the session ends with the request)."""
    if wants_json():
        title = HTTP_STATUS_CODES.get(refusal.status, "Refused")
        return problem_response(refusal.status, title, refusal.message, refusal.errors())
    render = g.get("refusal_form")
    if render is not None:
        return render(refusal)
    return error_page(refusal.status, refusal.message)


def error_page(status: int, detail: str, headers: dict | None = None):
    """The friendly error page; an htmx caller also gets the message as a flash."""
    name = HTTP_STATUS_CODES.get(status, "Error")
    page = render_template("errors/error.html", code=status, name=name, detail=detail)
    response = make_response(page, status)
    response.headers.update(headers or {})
    if is_htmx():
        trigger_flash(response, detail, "error")
    return response


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
    if not wants_json():
        return error_page(error.code, detail, headers)
    response = problem_response(error.code, error.name, detail, field_errors(data))
    response.headers.update(headers)
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
