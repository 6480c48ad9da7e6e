"""Substring search on task names and request descriptions, backed by a trigram index.

PostgreSQL answers `ILIKE '%term%'` from a pg_trgm GIN index, SQLite from an FTS5 trigram table.
Both read the posting list of every trigram they are asked for, and a long term mixes rare
trigrams (`454`) with ones found in half the table (`_tt`): a 40-character name costs 270 ms in
FTS5 and 30 ms in GIN at 10^6 tasks. So deftweb looks up only the two trigrams of the term most
likely to be rare (the most digits, then the latest: DSIDs, tags and counters end ATLAS names)
and checks those candidates against the whole term (8 ms and 3 ms; on PostgreSQL a term with
three digits in a row is narrowed by its case-blind skeleton instead, 1 ms). Terms under three
characters have no trigram: a plain LIKE scan, kept short by the page's LIMIT.
"""

import re

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
#: On PostgreSQL, terms this long (this many trigrams and more) are narrowed by rare trigrams
#: first: the GIN scan of a 40-character name reads 38 posting lists (30 ms at 10^6 tasks).
NARROW_FROM = 10
#: Three digits in a row make a trigram the index can look up without folding case.
DIGIT_RUN = re.compile(r"[0-9]{3}")


def task_name_contains(term: str) -> sa.ColumnElement[bool]:
    return contains(Task.name, Task.id, term)


def request_description_contains(term: str) -> sa.ColumnElement[bool]:
    return contains(Request.description, Request.id, term)


def contains(column, id_column, term: str) -> sa.ColumnElement[bool]:
    """Rows whose `column` holds `term`, ignoring case, through the trigram index when it can."""
    pattern = f"%{_escape_like(term)}%"
    if _dialect() != "sqlite":
        return _postgresql_contains(column, term, pattern)
    like = column.like(pattern, escape="\\")  # SQLite's LIKE ignores ASCII case
    if len(term) < TRIGRAM:
        return like
    fts = FTS_TABLES[f"{column.table.name}.{column.name}"]
    query = " AND ".join(_fts_string(gram) for gram in likely_rare_trigrams(term))
    matching = sa.select(sa.column("rowid")).select_from(sa.table(fts))
    matching = matching.where(sa.text(f"{fts} MATCH :trigrams").bindparams(trigrams=query))
    return sa.and_(id_column.in_(matching), like)


def _postgresql_contains(column, term: str, pattern: str) -> sa.ColumnElement[bool]:
    """ILIKE through pg_trgm; a long term with digits is first narrowed to a few candidates.

    The index hands back candidates that each condition then rechecks, and ILIKE costs 0.7 us
    a row (it lowercases both sides) where LIKE costs 0.01. A term with a run of digits is
    narrowed by its skeleton, the term with each letter a one-character wildcard: a plain LIKE
    that every match meets, whose digits the index looks up. The whole term is checked last,
    as `lower(x) LIKE lower(y)`, on the few rows left.
    """
    if len(term) < NARROW_FROM:
        return _case_blind_like(column, pattern)
    if DIGIT_RUN.search(term):
        narrowed = [column.like(_skeleton(term), escape="\\")]
    else:
        rare = [g for g in likely_rare_trigrams(term) if any(c.isdigit() for c in g)]
        if not rare:
            return _case_blind_like(column, pattern)
        narrowed = [_case_blind_like(column, f"%{_escape_like(gram)}%") for gram in rare]
    # lower(x) keeps the whole term off the index: it only checks the rows left.
    whole = sa.func.lower(column).like(sa.func.lower(pattern), escape="\\")
    return sa.and_(*narrowed, whole)


def _skeleton(term: str) -> str:
    """`%term%` with every letter a `_` wildcard: matched case-blind by a plain LIKE."""
    return "%" + "".join("_" if _has_case(c) else _escape_like(c) for c in term) + "%"


def _has_case(text: str) -> bool:
    return text.lower() != text.upper()


def _case_blind_like(column, pattern: str) -> sa.ColumnElement[bool]:
    """`column ILIKE pattern`, as a plain LIKE when the pattern has no letter to fold."""
    if not _has_case(pattern):
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


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
