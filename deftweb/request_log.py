"""Request ids and log lines: one id per request, shared with the proxy's log and the response.

The TLS proxy sets `X-Request-ID` (nginx `$request_id`, Apache `UNIQUE_ID`) and logs it; the app
keeps it when it looks like an id, makes one otherwise, logs it on every line and sends it back.
With `LOG_FORMAT = "json"` every log line is one JSON object (for a log collector).
"""

import json
import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{8,128}$")


def init_request_log(app: Flask) -> None:
    app.before_request(_take_request_id)
    app.after_request(_send_request_id)
    if app.config["LOG_FORMAT"] == "json":
        _log_json_lines(app.config["LOG_LEVEL"])


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _take_request_id() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if REQUEST_ID_PATTERN.match(offered) else uuid.uuid4().hex


def _send_request_id(response):
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
            line["method"] = request.method
            line["path"] = request.path
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def _log_json_lines(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
