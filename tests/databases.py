"""Test databases: the suite's own, and throw-away empty ones for migration and process tests.

`DEFTWEB_TEST_DATABASE_URL` picks the backend: unset means a SQLite file in a temporary folder; a
`postgresql+psycopg://` URL means that server, where the suite owns the named database's `public`
schema and creates (then drops) `<name>_<random>` databases for the tests that need an empty one.
"""

import os
import uuid
from pathlib import Path

import sqlalchemy as sa

ENV_VAR = "DEFTWEB_TEST_DATABASE_URL"


def suite_database_url(folder: Path) -> str:
    return os.environ.get(ENV_VAR) or f"sqlite:///{folder / 'deftweb-test.sqlite'}"


def reset_database(url: str) -> None:
    """Make the database empty: drop every table, sequence and type of the schema."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    _admin_sql(url, "DROP SCHEMA public CASCADE")
    _admin_sql(url, "CREATE SCHEMA public")


def create_scratch_database(database_url: str, folder: Path) -> str:
    """A new, empty database on the same backend; `drop_scratch_database` removes it."""
    parsed = sa.make_url(database_url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{folder / ('scratch-' + uuid.uuid4().hex[:8] + '.sqlite')}"
    name = f"{parsed.database}_{uuid.uuid4().hex[:10]}"
    _admin_sql(database_url, f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(database_url: str, scratch_url: str) -> None:
    scratch = sa.make_url(scratch_url)
    if scratch.get_backend_name() != "sqlite":
        _admin_sql(database_url, f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')


def _admin_sql(database_url: str, statement: str) -> None:
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()
