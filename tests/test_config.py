"""Configuration: defaults, instance/config.py, DEFTWEB_* variables, refusals at start."""

import os

import pytest

from deftweb import create_app
from deftweb.config import ConfigError


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A private instance folder and an environment without DEFTWEB_* settings."""
    for key in list(os.environ):
        if key.startswith("DEFTWEB_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DEFTWEB_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_development_generates_and_keeps_a_secret_key(instance, monkeypatch):
    monkeypatch.setenv("DEFTWEB_ENVIRONMENT", "development")
    first = create_app()
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_default_database_is_the_instance_sqlite_file(instance, monkeypatch):
    monkeypatch.setenv("DEFTWEB_ENVIRONMENT", "development")
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'deftweb.sqlite'}"
    assert app.config["DEV_LOGIN"] is False
    assert app.config["SESSION_COOKIE_SECURE"] is False  # development serves plain http


def test_production_without_secret_key_stops_with_a_clear_message(instance):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set.*DEFTWEB_SECRET_KEY"):
        create_app()
    assert not (instance / "secret_key").exists()


@pytest.mark.parametrize("weak", ["x", "changeme", "0123456789abcdef0123456789abcde"])
def test_production_refuses_a_short_secret_key(instance, monkeypatch, weak):
    monkeypatch.setenv("DEFTWEB_SECRET_KEY", weak)
    with pytest.raises(ConfigError, match=f"SECRET_KEY has {len(weak)} characters; production"):
        create_app()


def test_production_refuses_the_development_login(instance, monkeypatch):
    monkeypatch.setenv("DEFTWEB_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DEFTWEB_DEV_LOGIN", "true")
    with pytest.raises(ConfigError, match="DEV_LOGIN is on while ENVIRONMENT is production"):
        create_app()


def test_production_with_a_key_starts_with_secure_cookies(instance, monkeypatch):
    monkeypatch.setenv("DEFTWEB_SECRET_KEY", "x" * 64)
    app = create_app()
    assert app.config["ENVIRONMENT"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_several_workers_are_fine_on_postgresql(instance, monkeypatch):
    monkeypatch.setenv("DEFTWEB_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DEFTWEB_WORKERS", "4")
    monkeypatch.setenv("DEFTWEB_DATABASE_URL", "postgresql+psycopg://deftweb@127.0.0.1/deftweb")
    assert create_app().config["WORKERS"] == 4


def test_instance_config_file_then_environment_override(instance, monkeypatch):
    (instance / "config.py").write_text(
        "SECRET_KEY = 'from-file'\n"
        "MONITOR_TASK_URL = 'https://mon.example/{id}'\n"
        "DEV_LOGIN = True\n"
        "ENVIRONMENT = 'development'\n"
    )
    monkeypatch.setenv("DEFTWEB_MONITOR_TASK_URL", "https://other.example/{id}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["DEV_LOGIN"] is True
    assert app.config["MONITOR_TASK_URL"] == "https://other.example/{id}"


def test_environment_values_are_parsed_as_json(instance, monkeypatch):
    monkeypatch.setenv("DEFTWEB_ENVIRONMENT", "development")
    monkeypatch.setenv("DEFTWEB_MAX_CONTENT_LENGTH", "1024")
    monkeypatch.setenv("DEFTWEB_DEV_LOGIN", "false")
    app = create_app()
    assert app.config["MAX_CONTENT_LENGTH"] == 1024
    assert app.config["DEV_LOGIN"] is False


def test_development_login_warns_at_start(instance, monkeypatch, caplog):
    monkeypatch.setenv("DEFTWEB_ENVIRONMENT", "development")
    monkeypatch.setenv("DEFTWEB_DEV_LOGIN", "true")
    create_app()
    assert "DEV_LOGIN is on: anyone can sign in as any user" in caplog.text


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("DEFTWEB_ENVIRONMENT", "staging", "use one of production, development, testing"),
        ("DEFTWEB_DATABASE_URL", "mysql://db/x", "is not supported: use sqlite"),
        ("DEFTWEB_DATABASE_URL", "postgresql://u:secret@db/x", "postgresql\\+psycopg"),
        ("DEFTWEB_WORKERS", "4", "SQLite while 4 workers are configured"),
        ("DEFTWEB_LOG_FORMAT", '"xml"', "LOG_FORMAT is 'xml'; use text or json"),
    ],
)
def test_unusable_settings_are_refused(instance, monkeypatch, key, value, message):
    monkeypatch.setenv("DEFTWEB_SECRET_KEY", "x" * 64)
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message) as refused:
        create_app()
    assert "secret" not in str(refused.value)  # a password in the URL is never echoed
