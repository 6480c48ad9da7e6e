"""`flask --app deftweb send-notifications`: deliver the outbox, once or in a loop."""

import time

import click
from flask.cli import with_appcontext

from deftweb.database import begin_write
from deftweb.models import db, utcnow
from deftweb.notifications.sender import (
    Outcome,
    claim_digests,
    claim_immediate,
    deliver,
    record_outcome,
)


@click.command("send-notifications")
@click.option("--loop", is_flag=True, help="Keep running, sending what falls due.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between loop rounds.")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--digests-now", is_flag=True, help="Send every pending digest now (daily cron).")
@with_appcontext
def send_notifications_command(loop: bool, interval: float, batch: int, digests_now: bool):
    """Send due outbox e-mails; several senders may run at once (each row goes out once)."""
    while True:
        outcome = send_due(batch, digests_now)
        if outcome.sent or outcome.failed or not loop:
            click.echo(f"sent {len(outcome.sent)}, failed {len(outcome.failed)} (will retry)")
        if not loop:
            return
        digests_now = False
        time.sleep(interval)


def send_due(batch: int = 100, digests_now: bool = False) -> Outcome:
    """One round: claim and commit, send outside any transaction, record and commit; repeat."""
    total = Outcome()
    with_digests = True
    while True:
        now = utcnow()
        _begin_write()
        envelopes = claim_immediate(now, batch)
        if with_digests:
            envelopes += claim_digests(now, force=digests_now)
            with_digests = False
        db.session.commit()
        if not envelopes:
            return total
        outcome = deliver(envelopes, now)
        _begin_write()
        record_outcome(outcome, utcnow())
        db.session.commit()
        total.sent += outcome.sent
        total.failed.update(outcome.failed)
        if len(envelopes) < batch:
            return total


def _begin_write() -> None:
    """Take the write lock for the next transaction (no-op inside one, e.g. in the tests)."""
    if not db.session().in_transaction():
        begin_write()
