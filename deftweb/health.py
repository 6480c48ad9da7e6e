"""Probes for load balancers: /healthz (the database answers), /readyz (schema at the newest
migration, so this process and the database agree on the tables)."""

import logging

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from deftweb.models import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz():
    expected = set(_code_heads())
    try:
        current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    except sa.exc.SQLAlchemyError:
        log.exception("readiness check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    body = {"database_revision": sorted(current), "code_revision": sorted(expected)}
    if current != expected:
        log.warning("not ready: database at %s, code at %s", current or "base", expected)
        return jsonify(status="migrations pending", **body), 503
    return jsonify(status="ready", **body)


def _code_heads() -> list[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_heads()
