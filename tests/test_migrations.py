"""Migrations: upgrade, downgrade to base, upgrade again, and agreement with the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from deftweb import create_app
from deftweb.models import db
from deftweb.models.base import include_in_autogenerate
from tests.conftest import app_settings

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]


@pytest.fixture
def scratch_app(fresh_database_url):
    app = create_app(test_config=app_settings(fresh_database_url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(scratch_app):
    upgrade()
    assert {"users", "requests", "slices", "steps", "tasks", "jedi_tasks", "datasets"} <= _tables()
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert set(db.metadata.tables) <= _tables()


def test_models_and_migrations_agree(scratch_app):
    upgrade()
    with db.engine.connect() as connection:
        options = {"compare_type": True, "include_name": include_in_autogenerate}
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_task_id_sequence_exists_after_upgrade(scratch_app):
    upgrade()
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            start = connection.execute(sa.text("SELECT nextval('task_id_seq')")).scalar()
        else:
            start = connection.execute(
                sa.text("SELECT next_value FROM id_counters WHERE name = 'task'")
            ).scalar()
    assert start == 100_000_000
