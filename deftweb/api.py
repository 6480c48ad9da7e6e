"""The JSON API's OpenAPI machinery (flask-smorest), with errors answered as RFC 9457 problems."""

import marshmallow as ma
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint

API_PREFIX = "/api/v1"


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem detail; `errors` points at each bad field of the input."""

    type = ma.fields.String()
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.List(ma.fields.Dict())


class Api(SmorestApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """`deftweb.errors` answers every error, as a page or as a problem detail."""


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    return Blueprint(name, import_name, url_prefix=API_PREFIX, description=description)


def documented_refusals(blp: Blueprint, refusals: tuple[tuple[int, str], ...]):
    """A view decorator: each (status, description) documented as a problem answer of the view."""

    def document(view):
        for code, description in refusals:
            view = blp.alt_response(code, description=description)(view)
        return view

    return document


API_CONFIG = {
    "API_TITLE": "deftweb",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
}
