"""Substring search on task names and request descriptions, backed by a trigram index.

PostgreSQL answers `ILIKE '%term%'` from a pg_trgm GIN index; SQLite from an FTS5 table with the
trigram tokenizer (both made by the "name search index" migration). Both match case-insensitively.
A term shorter than three characters has no trigram, so it falls back to a plain LIKE scan, which
the LIMIT of a page keeps short for common terms.
"""

import sqlalchemy as sa

from deftweb.models import Request, Task, db

#: The FTS5 table that indexes each searched column on SQLite.
FTS_TABLES = {
    "tasks.name": "fts_task_names",
    "requests.description": "fts_request_descriptions",
    "datasets.name": "fts_dataset_names",
}
TRIGRAM = 3


def task_name_contains(term: str) -> sa.ColumnElement[bool]:
    return contains(Task.name, Task.id, term)


def request_description_contains(term: str) -> sa.ColumnElement[bool]:
    return contains(Request.description, Request.id, term)


def contains(column, id_column, term: str) -> sa.ColumnElement[bool]:
    """Rows whose `column` holds `term`, ignoring case, through the trigram index when it can."""
    if _dialect() == "sqlite" and len(term) >= TRIGRAM:
        fts = sa.table(FTS_TABLES[f"{column.table.name}.{column.name}"])
        matching = (
            sa.select(sa.column("rowid"))
            .select_from(fts)
            .where(sa.text(f"{fts.name} MATCH :term").bindparams(term=_fts_phrase(term)))
        )
        return id_column.in_(matching)
    return column.ilike(f"%{_escape_like(term)}%", escape="\\")


def _fts_phrase(term: str) -> str:
    """The term as one FTS5 string: with the trigram tokenizer, a substring match."""
    return '"' + term.replace('"', '""') + '"'


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _dialect() -> str:
    return db.session.get_bind().dialect.name
