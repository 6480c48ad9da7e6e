"""deftweb: the web UI of DEFT, the task-definition layer of ATLAS Production System II."""

import logging
import os
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from deftweb import cli, health
from deftweb.accounts import admin_pages, profile_pages
from deftweb.accounts import api as account_api
from deftweb.api import API_CONFIG
from deftweb.auth import loaders
from deftweb.auth import pages as auth_pages
from deftweb.auth.csrf import init_csrf
from deftweb.auth.gate import require_sign_in
from deftweb.auth.saml import check_settings as check_saml_settings
from deftweb.auth.sessions import SAFE_METHODS
from deftweb.auth.settings import check_auth_config
from deftweb.config import load_config
from deftweb.dashboard import pages as dashboard_pages
from deftweb.database import begin_write, configure_engine
from deftweb.datasets import api as dataset_api
from deftweb.datasets import pages as dataset_pages
from deftweb.errors import register_error_handlers
from deftweb.extensions import api, csrf, db, login_manager, migrate
from deftweb.htmx import flash_to_htmx
from deftweb.request_log import init_request_log
from deftweb.requests import api as request_api
from deftweb.requests import filing_api, filing_pages, template_pages
from deftweb.requests import pages as request_pages
from deftweb.review import api as review_api
from deftweb.review import pages as review_pages
from deftweb.security_headers import init_security_headers
from deftweb.tasks import action_pages, metatask_api, metatask_pages
from deftweb.tasks import api as task_api
from deftweb.tasks import pages as task_pages
from deftweb.url_ids import register_id_converters

log = logging.getLogger(__name__)

HTMX_VERSION = "2.0.11"


def create_app(test_config: dict | None = None) -> Flask:
    # DEFTWEB_INSTANCE_PATH moves instance/ (config.py, secret key, SQLite file) elsewhere.
    instance_path = os.environ.get("DEFTWEB_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(API_CONFIG)
    load_config(app, test_config)
    check_auth_config(app.config)
    register_id_converters(app)
    _init_extensions(app)
    _register_blueprints(app)
    register_error_handlers(app)
    init_request_log(app)
    _register_request_hooks(app)
    _register_cli(app)
    _warn_about_dev_login(app)
    return app


def _init_extensions(app: Flask) -> None:
    _init_security(app)  # first: unusable SAML settings stop the app before anything is bound
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=_migrations_dir())
    csrf.init_app(app)
    login_manager.init_app(app)
    api.init_app(app)


def _init_security(app: Flask) -> None:
    """CSRF on unsafe requests, security headers, and X-Forwarded-* only from counted proxies."""
    init_csrf(app)
    init_security_headers(app)
    check_saml_settings(app)
    hops = app.config["PROXY_FIX_COUNT"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def _migrations_dir() -> str:
    return str(Path(__file__).resolve().parent.parent / "migrations")


def _register_blueprints(app: Flask) -> None:
    """Every feature's pages, then every feature's API. The review module hangs the request page
    on the request table's blueprint, so it is imported before anything is registered; filing's
    API comes before the review API: its PATCH /api/v1/requests/<id> takes drafts in full and
    hands every other edit to the review workflow, so it must be the rule that matches first."""
    pages = (dashboard_pages, request_pages, filing_pages, template_pages, review_pages)
    pages += (task_pages, action_pages, metatask_pages, dataset_pages)
    pages += (auth_pages, profile_pages, admin_pages, health)
    for module in pages:
        app.register_blueprint(module.bp)
    apis = (request_api, filing_api, review_api, task_api, metatask_api, dataset_api, account_api)
    for module in apis:
        api.register_blueprint(module.blp)


def _register_request_hooks(app: Flask) -> None:
    loaders.init_login_manager(login_manager)

    @app.before_request
    def _write_lock_for_unsafe_methods():
        if request.method not in SAFE_METHODS:
            begin_write()

    app.before_request(require_sign_in)  # after the write lock: it loads the user

    app.after_request(flash_to_htmx)

    @app.context_processor
    def _layout_context():
        return {
            "htmx_version": HTMX_VERSION,
            "dev_login": app.config["DEV_LOGIN"],
            # base.html links the Requests/Tasks/Datasets nav entries whose endpoints exist.
            "url_endpoints": app.view_functions,
        }


def _register_cli(app: Flask) -> None:
    cli.register(app)


def _warn_about_dev_login(app: Flask) -> None:
    if app.config["DEV_LOGIN"]:
        log.warning("DEV_LOGIN is on: anyone can sign in as any user. Never use it in production.")
