"""`flask --app deftweb sync-jedi`: copy JEDI's task reports into the tasks, once or in a loop."""

import time

import click
from flask import current_app

from deftweb.database import begin_write
from deftweb.models import db
from deftweb.tasks.jedi_sync import sync_jedi


@click.command("sync-jedi")
@click.option("--loop", is_flag=True, help="Keep running, one sync every --interval seconds.")
@click.option("--interval", type=float, help="Seconds between loop rounds [JEDI_SYNC_INTERVAL].")
def sync_jedi_command(loop: bool, interval: float | None):
    """Copy task statuses and counters JEDI wrote into the hand-off table; settle requests."""
    interval = interval or current_app.config["JEDI_SYNC_INTERVAL"]
    while True:
        begin_write()
        result = sync_jedi()
        db.session.commit()
        if result.tasks or not loop:
            settled = ", ".join(f"{rid} {status}" for rid, status in result.requests.items())
            click.echo(f"synced {result.tasks} tasks; requests settled: {settled or 'none'}")
        if not loop:
            return
        time.sleep(interval)
