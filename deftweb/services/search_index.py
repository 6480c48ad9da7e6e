"""Substring search on task names and request descriptions, backed by a trigram index.

PostgreSQL answers `ILIKE '%term%'` from a pg_trgm GIN index, whose scan starts from the rarest
trigram of the term. SQLite's FTS5 trigram index reads the whole posting list of every trigram it is
asked for, and a long term mixes rare trigrams (`454`) with ones found in half the table (`_tt`),
so a phrase query costs as much as its commonest trigram (270 ms for a 40-character name at 10^6
tasks). deftweb asks FTS5 for the two trigrams of the term most likely to be rare (the most digits,
then the latest: DSIDs, tags and counters end ATLAS names) and checks those candidates with LIKE
(8 ms for the same name). Terms under three characters have no trigram: a plain LIKE scan, which
the page's LIMIT keeps short for the common matches short terms have.
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
#: How many of the term's trigrams FTS5 is asked for (each costs its whole posting list).
LOOKED_UP = 2


def task_name_contains(term: str) -> sa.ColumnElement[bool]:
    return contains(Task.name, Task.id, term)


def request_description_contains(term: str) -> sa.ColumnElement[bool]:
    return contains(Request.description, Request.id, term)


def contains(column, id_column, term: str) -> sa.ColumnElement[bool]:
    """Rows whose `column` holds `term`, ignoring case, through the trigram index when it can."""
    pattern = f"%{_escape_like(term)}%"
    if _dialect() != "sqlite":
        return column.ilike(pattern, escape="\\")
    like = column.like(pattern, escape="\\")  # SQLite's LIKE ignores ASCII case
    if len(term) < TRIGRAM:
        return like
    fts = FTS_TABLES[f"{column.table.name}.{column.name}"]
    query = " AND ".join(_fts_string(gram) for gram in likely_rare_trigrams(term))
    matching = sa.select(sa.column("rowid")).select_from(sa.table(fts))
    matching = matching.where(sa.text(f"{fts} MATCH :trigrams").bindparams(trigrams=query))
    return sa.and_(id_column.in_(matching), like)


def likely_rare_trigrams(term: str) -> list[str]:
    """The LOOKED_UP trigrams of `term` with the most digits, the later ones first on a tie."""
    text = term.lower()  # the trigram tokenizer folds case
    grams = list(dict.fromkeys(text[i : i + TRIGRAM] for i in range(len(text) - 2)))
    ranked = sorted(
        enumerate(grams), key=lambda item: (-sum(c.isdigit() for c in item[1]), -item[0])
    )
    return [gram for _, gram in ranked[:LOOKED_UP]]


def _fts_string(text: str) -> str:
    """`text` as one FTS5 string (with the trigram tokenizer: a substring to find)."""
    return '"' + text.replace('"', '""') + '"'


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _dialect() -> str:
    return db.session.get_bind().dialect.name
