"""Configuration: defaults in code, then `instance/config.py`, then `DEFTWEB_*` variables."""

import logging
import secrets
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)

#: Every key deftweb reads, with its default. The README's configuration table mirrors this.
DEFAULTS = {
    # "production" refuses unsafe settings at start; "development" generates a secret key and allows
    # the development login; "testing" is what the test suite uses.
    "ENVIRONMENT": "production",
    "DATABASE_URL": None,  # None: sqlite file instance/deftweb.sqlite
    "SECRET_KEY": None,
    "DEV_LOGIN": False,
    "SQL_ECHO": False,
    # Max request body; the SAML ACS has its own, tighter cap.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # A 5,000-slice request form is megabytes of fields in thousands of parts; Flask's defaults
    # (500 kB, 1,000 parts) would refuse it. MAX_CONTENT_LENGTH still caps the whole body.
    "MAX_FORM_MEMORY_SIZE": 16 * 1024 * 1024,
    "MAX_FORM_PARTS": 250_000,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    # The cookie goes out when the session changes (sign-in, flash, the last-seen time once a
    # minute), not re-signed on every page: 0.25 ms a request.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    # --- Sign-in and sessions (README "Signing in") ---
    # CSRF is checked by deftweb.auth.csrf, which lets non-browser API calls through.
    "WTF_CSRF_CHECK_DEFAULT": False,
    # Over https deftweb.auth.csrf checks the Referer, or the Origin where a browser sent none.
    "WTF_CSRF_SSL_STRICT": False,
    # Session cookie name; None: "__Host-deftweb" when cookies are Secure, else "deftweb_session".
    "SESSION_COOKIE_NAME": None,
    "SESSION_IDLE_TIMEOUT": 2 * 3600,  # seconds without a request before a session ends
    "SESSION_MAX_AGE": 12 * 3600,  # seconds after sign-in when a session ends regardless
    "HSTS_MAX_AGE": 365 * 24 * 3600,  # Strict-Transport-Security max-age; 0 sends none
    # CERN SSO: python3-saml settings as a dict, or the folder holding settings.json,
    # advanced_settings.json and certs/ (None: instance/saml/). SSO is off while neither exists.
    "SAML_SETTINGS": None,
    "SAML_PATH": None,
    "SAML_ATTRIBUTE_MAP": {},  # field -> attribute names, over the CERN defaults (README)
    "SAML_ROLE_MAP": {},  # SSO role or e-group -> ["HIGG:member", "SUSY:convener", "admin"...]
    "SAML_REQUEST_TTL": 600,  # seconds an AuthnRequest waits for its answer
    "SAML_MAX_RESPONSE_BYTES": 256 * 1024,  # body cap of the assertion consumer service
    "AUTO_REGISTER": True,  # the first SSO login creates the user
    # Client certificates: addresses or networks of the TLS proxy; empty: certificates off.
    "TRUSTED_PROXIES": [],
    "X509_DN_HEADER": "X-SSL-Client-S-DN",
    "X509_VERIFY_HEADER": "X-SSL-Client-Verify",
    "PROXY_FIX_COUNT": 0,  # proxies that set X-Forwarded-*; 0: no ProxyFix, headers ignored
    "API_TOKEN_MAX_DAYS": 365,  # longest lifetime of a personal API token
    "MONITOR_TASK_URL": "https://bigpanda.cern.ch/task/{id}/",
    # "text" (default) or "json": one JSON object per log line, with the request id.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    # How many worker processes serve this app (deploy/gunicorn.conf.py exports its count as
    # DEFTWEB_WORKERS); SQLite's single writer refuses more than one in production.
    "WORKERS": 1,
    # --- Tasks and JEDI (README "Tasks and JEDI") ---
    # Usernames of the service accounts (signed in by certificate) that post JEDI's task status
    # reports to POST /api/v1/tasks/status, e.g. ["jedi-robot"].
    "JEDI_SERVICE_ACCOUNTS": [],
    "JEDI_SYNC_INTERVAL": 60,  # seconds between two rounds of `flask sync-jedi --loop`
    "METATASK_GRAPHML_MAX_BYTES": 1024 * 1024,  # largest GraphML meta-task file accepted
    # Review workflow e-mail: links in mails start with PUBLIC_URL; the outbox is sent through
    # this SMTP server by `flask send-notifications`.
    "PUBLIC_URL": "http://127.0.0.1:5000",
    "MAIL_FROM": "deftweb <deftweb-noreply@localhost>",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_STARTTLS": False,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 30,  # seconds per SMTP operation
    "NOTIFY_MAX_ATTEMPTS": 8,  # then the message is marked failed
    "NOTIFY_RETRY_SECONDS": 60,  # first retry delay, doubled on each failure, at most 6 hours
    "NOTIFY_LEASE_SECONDS": 300,  # a claimed message whose sender died is retried after this
    "NOTIFY_DIGEST_HOURS": 24,  # digest users get one mail per this many hours
    # Most rows one CSV/JSON export of the request or task table streams (the rest is cut off).
    "EXPORT_ROW_LIMIT": 1_000_000,
}

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """A setting that stops the app from starting; the message says what to change."""


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill `app.config` from defaults, the instance file, the environment and `test_config`."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("DEFTWEB")
    else:
        app.config.from_mapping(test_config)
    _derive(app)
    check_config(app.config)


def _derive(app: Flask) -> None:
    config = app.config
    development = config["ENVIRONMENT"] == "development"
    if config["DATABASE_URL"] is None:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "deftweb.sqlite")
    if not config["SECRET_KEY"] and development:
        config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if development:
        config["SESSION_COOKIE_SECURE"] = False
    _derive_auth(config)
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config["SQLALCHEMY_ECHO"] = config["SQL_ECHO"]
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config["DATABASE_URL"])


def _derive_auth(config) -> None:
    if isinstance(config["TRUSTED_PROXIES"], str):
        config["TRUSTED_PROXIES"] = [
            p.strip() for p in config["TRUSTED_PROXIES"].split(",") if p.strip()
        ]
    if not config["SESSION_COOKIE_NAME"]:
        secure = config["SESSION_COOKIE_SECURE"]
        config["SESSION_COOKIE_NAME"] = "__Host-deftweb" if secure else "deftweb_session"
    config["PERMANENT_SESSION_LIFETIME"] = config["SESSION_MAX_AGE"]


def engine_options(url: str) -> dict:
    """Per backend: SQLite waits up to 30 s for the write lock, PostgreSQL checks pooled links."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def _instance_secret_key(instance: Path) -> str:
    """Read, or create on the first development run, `instance/secret_key`."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
        log.warning("generated a new development secret key in %s", path)
    return path.read_text().strip()


#: The shortest secret key production accepts: it signs every session cookie and CSRF token.
SECRET_KEY_MIN_LENGTH = 32


def check_config(config) -> None:
    """Refuse to start with a setting that is unsafe or unusable, saying which key to fix."""
    env = config["ENVIRONMENT"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"DEFTWEB_ENVIRONMENT is {env!r}; use one of {', '.join(ENVIRONMENTS)}")
    if not config["SECRET_KEY"]:
        raise ConfigError(
            "SECRET_KEY is not set. In production set DEFTWEB_SECRET_KEY or SECRET_KEY in "
            "instance/config.py to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))'); in development set DEFTWEB_ENVIRONMENT=development."
        )
    if env == "production" and len(config["SECRET_KEY"]) < SECRET_KEY_MIN_LENGTH:
        raise ConfigError(
            f"SECRET_KEY has {len(config['SECRET_KEY'])} characters; production needs at least "
            f"{SECRET_KEY_MIN_LENGTH} random ones (python -c 'import secrets; "
            "print(secrets.token_hex(32))')"
        )
    if env == "production" and config["DEV_LOGIN"]:
        raise ConfigError("DEV_LOGIN is on while ENVIRONMENT is production: switch one of them off")
    url = config["DATABASE_URL"]
    if env == "production" and url.startswith("sqlite") and int(config["WORKERS"]) > 1:
        raise ConfigError(
            f"DATABASE_URL is SQLite while {config['WORKERS']} workers are configured: SQLite has "
            "one writer on one host; use PostgreSQL (postgresql+psycopg://...) or one worker"
        )
    if config["LOG_FORMAT"] not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT is {config['LOG_FORMAT']!r}; use text or json")
    if not (url.startswith("sqlite") or url.startswith("postgresql+psycopg")):
        raise ConfigError(
            f"DATABASE_URL {url.split('@')[-1]!r} is not supported: use sqlite:///PATH "
            "or postgresql+psycopg://USER@HOST:PORT/DB"
        )
