"""Real-browser journeys: Playwright drives Debian's chromium against the app on 127.0.0.1.

The app runs in a thread on a free port, on its own scratch database (same backend as the suite)
filled with the demo data; the browser tests commit for real, so they never use the rolled-back
test transaction. Run them with `pytest -m browser` (`make test` does).
"""

import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from deftweb import create_app
from deftweb.demo.demo_data import load_demo_data
from deftweb.models import db
from deftweb.reference_data import ensure_reference_data
from tests.conftest import app_settings
from tests.databases import create_scratch_database, drop_scratch_database

CHROMIUM = os.environ.get("DEFTWEB_CHROMIUM", "/usr/bin/chromium")
#: Chromium as root, headless, on a machine whose only network is loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_transaction)


@pytest.fixture(scope="session")
def live_app(database_url, tmp_path_factory):
    """The app on a scratch database holding the demo data."""
    scratch = create_scratch_database(database_url, tmp_path_factory.mktemp("browser"))
    app = create_app(test_config=app_settings(scratch, SERVER_NAME=None))
    with app.app_context():
        upgrade()
        ensure_reference_data()
        load_demo_data()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_scratch_database(database_url, scratch)


@pytest.fixture(scope="session")
def live_server(live_app):
    """The base URL of the app, served by Werkzeug in a thread on a free loopback port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (no browser download)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and page; every relative URL goes to the app."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def dev_login(page):
    """Sign the page in as a demo user through the development login form."""

    def login(username: str, next_path: str = "/"):
        page.goto(f"/auth/dev-login?next={next_path}")
        page.locator(f"button[data-username='{username}']").click()
        page.wait_for_load_state("networkidle")
        return page

    return login


@pytest.fixture
def live_mail(live_app):
    """A real SMTP server on loopback (aiosmtpd); the live app's outbox sender delivers to it."""
    from tests.mail import smtp_server

    saved = {key: live_app.config[key] for key in ("SMTP_HOST", "SMTP_PORT")}
    with smtp_server() as (catcher, port):
        live_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        try:
            yield catcher
        finally:
            live_app.config.update(saved)
