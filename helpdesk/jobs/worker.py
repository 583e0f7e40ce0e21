"""``flask worker``: the background loop; any number may run at once, on SQLite as on PostgreSQL.

Each pass delivers the SMS outbox (new texts, retries, texts whose worker died: :mod:`helpdesk.jobs.outbox`),
files the incoming texts whose filing failed (:func:`helpdesk.telephony.sms.file_due_messages`) and
dispatches due surveys (:mod:`helpdesk.jobs.surveys`) and sends the weekly report e-mails due
(:mod:`helpdesk.jobs.weekly_reports`), then sleeps ``WORKER_INTERVAL_SECONDS``. On starting
and then daily it refreshes SQLite's query statistics (:func:`helpdesk.database.refresh_query_statistics`).
SIGTERM or Ctrl-C stops it after the message in hand; ``--once`` runs one pass and nothing else. A pass that
fails (a lost database connection) is logged, and the next one tries again.
"""

import logging
import signal
import threading
import time

import click
from flask import current_app

from helpdesk.database import refresh_query_statistics, unit_of_work
from helpdesk.extensions import db
from helpdesk.jobs.outbox import deliver_outbox
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.jobs.weekly_reports import send_weekly_reports
from helpdesk.telephony.sms import file_due_messages

log = logging.getLogger(__name__)
# ANALYZE takes about a second at a million cases, holding SQLite's write lock: daily is enough for plans.
STATISTICS_EVERY_SECONDS = 24 * 3600


def run_pass(should_stop=lambda: False) -> str | None:
    """One pass; what it did, or None when there was nothing to do."""
    sms = deliver_outbox(should_stop=should_stop)
    filed = file_due_messages()
    surveys = dispatch_due_surveys(should_stop=should_stop)
    mails = send_weekly_reports(should_stop=should_stop)
    if not any(sms.values()) and not filed and not surveys.did_anything and not any(mails.values()):
        return None
    return (f"SMS: {sms['sent']} sent, {sms['retry']} to retry, {sms['failed']} failed, {filed} texts filed. "
            f"Surveys: {surveys.summary()} Weekly reports: {mails['sent']} sent, {mails['retry']} to retry.")


def _refresh_statistics() -> None:
    started = time.monotonic()
    with unit_of_work() as session:
        refreshed = refresh_query_statistics(session.connection())
    if refreshed:
        click.echo(f"Query statistics refreshed in {time.monotonic() - started:.1f} s.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=None,
              help="Seconds between passes (default WORKER_INTERVAL_SECONDS).")
def worker_command(once, interval):
    """Deliver due SMS, file texts left unfiled, send due surveys and weekly reports, in a loop until SIGTERM or
    Ctrl-C."""
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
