"""Sending the weekly report e-mails (the steps: :mod:`helpdesk.reports.mailing`), each step a unit of work
of its own and the mail handed over with no transaction open. A refused, timed-out or dropped SMTP connection
(any error at all while rendering or sending) is recorded on the mail, which is tried again later."""

import logging
from collections.abc import Callable

from helpdesk.database import unit_of_work, utcnow
from helpdesk.mail.transport import MailError, current_transport, mail_configured, send_mail
from helpdesk.reports.mailing import (
    any_mail_due,
    claim_weekly_mail,
    missing_weekly_mails,
    record_failure,
    record_sent,
    schedule_weekly_mails,
    weekly_mail_of,
)

log = logging.getLogger(__name__)


def send_weekly_reports(*, transport=None, should_stop: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """Schedule the weeks now due, then send every due mail; totals of "sent" and "retry"."""
    totals = {"sent": 0, "retry": 0}
    if transport is None and not mail_configured():
        return totals
    if rows := missing_weekly_mails(utcnow()):
        with unit_of_work():
            schedule_weekly_mails(rows)
    if not any_mail_due(utcnow()):
        return totals
    own = transport is None
    transport = transport or current_transport()  # one SMTP connection for the pass
    try:
        _send_due(transport, totals, should_stop)
    finally:
        if own:
            transport.close()
    return totals


def _send_due(transport, totals: dict[str, int], should_stop: Callable[[], bool]) -> None:
    latest = {}
    while not should_stop() and any_mail_due(utcnow()):
        with unit_of_work():
            claim = claim_weekly_mail(utcnow())
        if claim is None:
            break
        try:
            mail = weekly_mail_of(claim, utcnow(), latest)
            send_mail(mail, transport)
        except Exception as exc:  # the mail is tried again later; the worker goes on with the next one
            if not isinstance(exc, MailError):
                log.exception("weekly report mail %s could not be rendered", claim.mail_id)
            with unit_of_work():
                record_failure(claim, str(exc) or type(exc).__name__, utcnow())
            totals["retry"] += 1
            continue
        with unit_of_work():
            record_sent(claim, mail.to, utcnow())
        totals["sent"] += 1
