"""name search index: trigram indexes on task names and request descriptions

PostgreSQL: pg_trgm GIN indexes, used by `ILIKE '%term%'`. SQLite: FTS5 tables with the trigram
tokenizer over the same columns (external content, so the text is not stored twice), kept in step
with their tables by triggers. Autogenerate skips these objects (see `include_name` in env.py):
they are backend-specific and have no place in the models' metadata.

Revision ID: 743f036cefe9
Revises: fc97b0438ffe
Create Date: 2026-11-25 07:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '743f036cefe9'
down_revision = 'fc97b0438ffe'
branch_labels = None
depends_on = None

#: (table, searched column, FTS5 table on SQLite, GIN index on PostgreSQL)
SEARCHED = (
    ("tasks", "name", "fts_task_names", "ix_tasks_name_trgm"),
    ("requests", "description", "fts_request_descriptions", "ix_requests_description_trgm"),
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column, _, index in SEARCHED:
            op.execute(f"CREATE INDEX {index} ON {table} USING gin ({column} gin_trgm_ops)")
        return
    for table, column, fts, _ in SEARCHED:
        for statement in _sqlite_statements(table, column, fts):
            op.execute(statement)


def _sqlite_statements(table, column, fts):
    delete_old = (
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    )
    insert_new = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    return (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm stays installed: other databases objects may use it.
        for _, _, _, index in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS {index}")
        return
    for _, _, fts, _ in SEARCHED:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
