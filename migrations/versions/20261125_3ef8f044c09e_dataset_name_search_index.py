"""dataset name search index: trigram index on dataset names

The registry's "name contains" filter. PostgreSQL: a pg_trgm GIN index, used by
`ILIKE '%term%'`. SQLite: an FTS5 table with the trigram tokenizer over datasets.name (external
content), kept in step by triggers. Like the task-name index, autogenerate skips both.

Revision ID: 3ef8f044c09e
Revises: 743f036cefe9
Create Date: 2026-11-25 07:35:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3ef8f044c09e'
down_revision = '743f036cefe9'
branch_labels = None
depends_on = None

TABLE, COLUMN, FTS, INDEX = "datasets", "name", "fts_dataset_names", "ix_datasets_name_trgm"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({COLUMN} gin_trgm_ops)")
        return
    delete_old = f"INSERT INTO {FTS}({FTS}, rowid, {COLUMN}) VALUES ('delete', old.id, old.{COLUMN});"
    insert_new = f"INSERT INTO {FTS}(rowid, {COLUMN}) VALUES (new.id, new.{COLUMN});"
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMN}, content='{TABLE}', "
        "content_rowid='id', tokenize='trigram')"
    )
    op.execute(f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN {insert_new} END")
    op.execute(f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN {delete_old} END")
    op.execute(
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF {COLUMN} ON {TABLE} "
        f"BEGIN {delete_old} {insert_new} END"
    )
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        return
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {FTS}")
