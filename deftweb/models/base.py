"""The declarative base: one metadata with a naming convention, UTC timestamps, JSON columns."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: deftweb stores aware UTC timestamps only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON documents: JSONB on PostgreSQL, JSON text on SQLite.
JSONDocument = sa.JSON().with_variant(JSONB(), "postgresql")

#: Task ids are JEDI task ids: 64-bit, allocated by deftweb (never autoincrement).
TaskId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: The whole numbers an Integer column holds on both databases (PostgreSQL's integer is 32-bit;
#: SQLite's would hold more), and a BigInteger one (TaskId too: PostgreSQL's bigint and every
#: SQLite integer are 64-bit). A number beyond them is an error in the database, not "no such
#: row": input is held to them where it enters (URL converters, API fields, filters, forms).
INTEGER_RANGE = (-(2**31), 2**31 - 1)
BIG_INTEGER_RANGE = (-(2**63), 2**63 - 1)


def integer_range(column) -> tuple[int, int]:
    """The lowest and highest whole number `column` (a column or a model attribute) holds."""
    return BIG_INTEGER_RANGE if isinstance(column.type, sa.BigInteger) else INTEGER_RANGE


def stored_integer(text, column) -> int | None:
    """`text` (form or URL text) as a whole number `column` holds; None if it is none."""
    text = str(text if text is not None else "").strip()
    if not re.fullmatch(r"-?\d{1,19}", text):  # 2**63 has 19 digits: more is beyond every column
        return None
    number = int(text)
    return number if holds(column, number) else None


def holds(column, number: int) -> bool:
    """`column` can hold the whole number `number`."""
    low, high = integer_range(column)
    return low <= number <= high


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict: JSONDocument, list: JSONDocument},
    )


db = SQLAlchemy(model_class=Base)


class Timestamped:
    """`created_at` and `updated_at`, set by the database session, in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def include_in_autogenerate(name, type_, parent_names) -> bool:
    """Leave backend-specific search structures to the migrations that make them.

    FTS5 trigram tables (`fts_*`) exist only on SQLite, trigram GIN indexes (`*_trgm`) only on
    PostgreSQL; the models describe what both backends share. (Alembic's `include_name` hook.)
    """
    if type_ == "table" and name and name.startswith("fts_"):
        return False
    return not (type_ == "index" and name and name.endswith("_trgm"))
