"""Command-line commands: `flask --app deftweb init-db | demo-data | generate-tasks N`."""

import time

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from deftweb.database import begin_write
from deftweb.datasets.cli import dsn_group
from deftweb.demo.demo_data import database_is_empty, load_demo_data
from deftweb.demo.task_generator import generate_tasks
from deftweb.models import Request, db
from deftweb.notifications.cli import send_notifications_command
from deftweb.reference_data import ensure_reference_data
from deftweb.tasks.cli import sync_jedi_command


def register(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(generate_tasks_command)
    app.cli.add_command(send_notifications_command)
    app.cli.add_command(sync_jedi_command)
    app.cli.add_command(dsn_group)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Bring the database schema to the newest migration and add the reference data."""
    upgrade()
    begin_write()
    ensure_reference_data()
    db.session.commit()
    click.echo("database at the newest migration, reference data present")


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo_data_command(if_empty: bool):
    """Load demo users, requests in every status, 5,000 tasks in chains, and their datasets."""
    begin_write()
    if not database_is_empty():
        db.session.rollback()
        if if_empty:
            click.echo("the database already has data: demo data not loaded")
            return
        raise click.ClickException("the database is not empty: demo data goes into an empty one")
    started = time.perf_counter()
    counts = load_demo_data()
    db.session.commit()
    summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    click.echo(f"demo data loaded in {time.perf_counter() - started:.1f} s: {summary}")


@click.command("generate-tasks")
@with_appcontext
@click.argument("count", type=click.IntRange(min=1))
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same tasks).")
def generate_tasks_command(count: int, seed: int):
    """Insert COUNT synthetic tasks in chains, in bulk, for scale tests and benchmarks."""
    request_ids = list(db.session.scalars(sa.select(Request.id))) or None
    db.session.rollback()
    started = time.perf_counter()
    with click.progressbar(length=count, label="inserting tasks", show_pos=True) as bar:
        begin_write()
        for inserted in generate_tasks(count, seed=seed, request_ids=request_ids):
            db.session.commit()
            bar.update(inserted)
            begin_write()
    db.session.rollback()
    elapsed = time.perf_counter() - started
    click.echo(f"{count:,} tasks in {elapsed:.1f} s ({count / elapsed:,.0f} tasks/s)")
