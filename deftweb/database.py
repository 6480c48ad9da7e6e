"""Engine set-up that differs per backend, and the write-transaction switch.

SQLite: WAL (readers never wait for the writer), foreign keys on, a busy timeout, and explicit
transaction control so that a write transaction starts with `BEGIN IMMEDIATE`. A deferred
transaction that reads first and writes later fails at once with "database is locked" when another
writer got there first, whatever the busy timeout; taking the write lock up front makes writers
queue instead.
"""

import sqlalchemy as sa
from sqlalchemy import event

from deftweb.models.base import db

SQLITE_BEGIN_OPTION = "sqlite_begin"


def configure_engine(engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Hand BEGIN to SQLAlchemy's "begin" event (pysqlite's own handling breaks SAVEPOINT too).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(connection: sa.Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Declare that this unit of work will write: on SQLite, take the write lock at BEGIN.

    Call it before the session's first statement (the app does for every unsafe HTTP method); once
    a transaction is open it changes nothing.
    """
    if db.session().in_transaction():
        return  # too late to choose (and SQLAlchemy would warn): keep the transaction as it is
    db.session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"
