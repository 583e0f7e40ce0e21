"""``flask worker``: the background loop; any number may run at once, on SQLite as on PostgreSQL.

Each pass delivers the SMS outbox (new texts, retries, texts whose worker died: :mod:`helpdesk.jobs.outbox`),
files the incoming texts whose filing failed (:func:`helpdesk.telephony.sms.file_due_messages`) and
dispatches due surveys (:mod:`helpdesk.jobs.surveys`), deletes at Twilio the recordings an erasure or the
retention purge left to retry (:mod:`helpdesk.privacy.recordings`) and sends the weekly report e-mails due
(:mod:`helpdesk.jobs.weekly_reports`), then sleeps ``WORKER_INTERVAL_SECONDS``. On starting and then daily it runs
the retention purge (:mod:`helpdesk.privacy.retention`) and refreshes SQLite's query statistics
(:func:`helpdesk.database.refresh_query_statistics`).
SIGTERM or Ctrl-C stops it after the message in hand; ``--once`` runs one pass and nothing else. A pass that
fails (a lost database connection) is logged, and the next one tries again.

It starts only against a database it can reach whose schema is this code's (not older, not newer), and beats
its heartbeat row (:mod:`helpdesk.operations.heartbeats`) at most every ``BEAT_SECONDS``: between passes and
between the messages of a long pass, so a loop that hangs stops beating.
"""

import logging
import signal
import threading
import time

import click
from flask import current_app
from sqlalchemy.exc import DBAPIError

from helpdesk.database import refresh_query_statistics, unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.jobs.outbox import deliver_outbox
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.jobs.weekly_reports import send_weekly_reports
from helpdesk.operations.health import database_problem
from helpdesk.operations.heartbeats import beat, start_heartbeat
from helpdesk.privacy.recordings import delete_due_recordings
from helpdesk.privacy.retention import purge_expired
from helpdesk.telephony.sms import file_due_messages

log = logging.getLogger(__name__)
# ANALYZE takes about a second at a million cases, holding SQLite's write lock: daily is enough for plans.
STATISTICS_EVERY_SECONDS = 24 * 3600
BEAT_SECONDS = 15  # /readyz and the staff pages' banner call a worker silent after 2 minutes


class Heart:
    """This process's heartbeat row, and the jobs done since it started."""

    def __init__(self):
        with unit_of_work():
            self.id = start_heartbeat().id
        self.jobs_done, self.beaten = 0, time.monotonic()

    def beat(self, *, force: bool = False, **fields) -> None:
        if force or fields or time.monotonic() - self.beaten >= BEAT_SECONDS:
            with unit_of_work():
                beat(self.id, self.jobs_done, **fields)
            self.beaten = time.monotonic()


def run_pass(should_stop=lambda: False) -> tuple[int, str | None]:
    """One pass: how many jobs it did, and what they were (None when there was nothing to do)."""
    sms = deliver_outbox(should_stop=should_stop)
    filed = file_due_messages()
    surveys = dispatch_due_surveys(should_stop=should_stop)
    recordings = delete_due_recordings(should_stop=should_stop)
    mails = send_weekly_reports(should_stop=should_stop)
    jobs = (sum(sms.values()) + filed + surveys.sent + surveys.retry + surveys.failed + sum(recordings.values())
            + sum(mails.values()))
    if (not any(sms.values()) and not filed and not surveys.did_anything and not any(recordings.values())
            and not any(mails.values())):
        return jobs, None
    return jobs, (f"SMS: {sms['sent']} sent, {sms['retry']} to retry, {sms['failed']} failed, {filed} texts filed. "
                  f"Surveys: {surveys.summary()}. Recordings deleted at Twilio: {recordings['deleted']}, "
                  f"to retry: {recordings['failed']}. Weekly reports: {mails['sent']} sent, {mails['retry']} to retry.")


def _purge() -> None:
    summary = purge_expired()
    if summary.programs:
        click.echo(f"Retention purge: {summary}.")


def _refresh_statistics(heart: Heart) -> None:
    started = time.monotonic()
    with unit_of_work() as session:
        refreshed = refresh_query_statistics(session.connection())
    if refreshed:
        heart.beat(statistics_at=utcnow())
        click.echo(f"Query statistics refreshed in {time.monotonic() - started:.1f} s.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=None,
              help="Seconds between passes (default WORKER_INTERVAL_SECONDS).")
def worker_command(once, interval):
    """Deliver due SMS, file texts left unfiled, send due surveys and weekly reports, in a loop until SIGTERM or
    Ctrl-C."""
    interval = interval or current_app.config["WORKER_INTERVAL_SECONDS"]
    if problem := database_problem():
        raise click.ClickException(problem)
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    heart = Heart()
    click.echo("Worker started." if not once else "Worker: one pass.")

    def should_stop() -> bool:
        heart.beat()
        return stop.is_set()

    daily_due = time.monotonic()
    while not stop.is_set():
        try:
            if not once and time.monotonic() >= daily_due:
                _purge()
                _refresh_statistics(heart)
                daily_due = time.monotonic() + STATISTICS_EVERY_SECONDS
            jobs, done = run_pass(should_stop)
            heart.jobs_done += jobs
            heart.beat()
            if done:
                click.echo(done)
        except Exception:  # a lost database connection must not end the loop; the next pass tries again
            db.session.rollback()
            log.exception("worker pass failed")
            if once:
                raise
        if once:
            break
        stop.wait(interval)
    try:
        heart.beat(stopped=True)
    except DBAPIError:
        log.warning("could not record that the worker stopped")
    db.session.remove()
    click.echo("Worker stopped.")
