"""``flask worker``: the background loop. Each pass delivers due SMS (new texts, retries, claims whose worker
died), files inbound texts left unfiled (see :func:`helpdesk.telephony.sms.file_message`) and dispatches due
surveys, then sleeps; SIGTERM or Ctrl-C stops it after the message in hand. On starting and then daily it
refreshes SQLite's query statistics (see :func:`helpdesk.database.refresh_query_statistics`).
``--once`` runs one pass. SMS go out through :func:`helpdesk.telephony.delivery.deliver_due_outbox`, which is
safe with several workers on SQLite too (``flask sms deliver`` is not, see that module)."""

import logging
import signal
import threading
import time

import click
from flask import current_app

from helpdesk.database import refresh_query_statistics
from helpdesk.extensions import db
from helpdesk.surveys.dispatch import dispatch_due_surveys, follow_message
from helpdesk.telephony.delivery import deliver_due_outbox
from helpdesk.telephony.sms import file_due_messages

log = logging.getLogger(__name__)
# ANALYZE takes about a second at a million cases, holding SQLite's write lock: daily is enough for plans.
STATISTICS_EVERY_SECONDS = 24 * 3600


def run_pass(should_stop=lambda: False) -> str | None:
    """One pass; what it did, or None when there was nothing to do."""
    sms = deliver_due_outbox(after=follow_message, should_stop=should_stop)
    filed = file_due_messages()
    surveys = dispatch_due_surveys(should_stop=should_stop)
    if not any(sms.values()) and not filed and not surveys.did_anything:
        return None
    return (f"SMS: {sms['sent']} sent, {sms['retry']} to retry, {sms['failed']} failed, {filed} texts filed. "
            f"Surveys: {surveys.summary()}")


def _refresh_statistics() -> None:
    started = time.monotonic()
    if refresh_query_statistics(db.session.connection()):
        db.session.commit()
        click.echo(f"Query statistics refreshed in {time.monotonic() - started:.1f} s.")
    else:
        db.session.rollback()


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=None,
              help="Seconds between passes (default WORKER_INTERVAL_SECONDS).")
def worker_command(once, interval):
    """Deliver due SMS and send due surveys, in a loop until SIGTERM or Ctrl-C."""
    interval = interval or current_app.config["WORKER_INTERVAL_SECONDS"]
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    click.echo("Worker started." if not once else "Worker: one pass.")
    statistics_due = time.monotonic()
    while not stop.is_set():
        try:
            if not once and time.monotonic() >= statistics_due:
                _refresh_statistics()
                statistics_due = time.monotonic() + STATISTICS_EVERY_SECONDS
            if done := run_pass(stop.is_set):
                click.echo(done)
        except Exception:  # a lost database connection must not end the loop; the next pass tries again
            db.session.rollback()
            log.exception("worker pass failed")
            if once:
                raise
        if once:
            break
        stop.wait(interval)
    db.session.remove()
    click.echo("Worker stopped.")
