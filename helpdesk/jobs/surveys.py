"""Dispatching due surveys (the steps: :mod:`helpdesk.surveys.dispatch`), each step a unit of work of its own:
the claim of a batch, each question's delivery through the outbox, giving back what a stop request left,
and the sync of outcomes."""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app

from helpdesk.database import unit_of_work, utcnow
from helpdesk.jobs.outbox import deliver_claimed
from helpdesk.operations.metrics import SURVEYS
from helpdesk.surveys.dispatch import (
    DispatchTotals,
    QueuedQuestion,
    claim_due_surveys,
    expire_unanswered,
    follow_message,
    release,
    sync_outcomes,
)
from helpdesk.surveys.models import SurveyStatus
from helpdesk.telephony.delivery import hold
from helpdesk.telephony.outbox import CLAIM_LEASE
from helpdesk.telephony.twilio_adapter import current_gateway


def dispatch_due_surveys(*, batch: int | None = None, gateway=None, now: datetime | None = None,
                         progress: Callable[[DispatchTotals], None] | None = None,
                         should_stop: Callable[[], bool] = lambda: False) -> DispatchTotals:
    """Send every survey due by ``now`` (default: the current time), then sync outcomes and expire old ones."""
    batch = batch or current_app.config["SURVEY_DISPATCH_BATCH"]
    gateway = gateway or current_gateway()
    totals = DispatchTotals()
    while not should_stop():
        with unit_of_work():
            queued = claim_due_surveys(batch, now or utcnow(), totals)
        if not queued:
            break
        for done, item in enumerate(queued):
            if should_stop():
                with unit_of_work():
                    release(queued[done:])  # back to the outbox, for the next pass of any worker
                break
            deliver_question(item, gateway, totals)
        if progress:
            progress(totals)
    with unit_of_work():
        totals.synced = sync_outcomes(now or utcnow())
        totals.expired = expire_unanswered(now or utcnow())
    return totals


def deliver_question(item: QueuedQuestion, gateway, totals: DispatchTotals) -> None:
    """Send one claimed question; a lease about to run out (a slow gateway) is renewed first, or left to the
    worker that took over."""
    now = utcnow()
    if now + timedelta(seconds=2 * current_app.config["TWILIO_TIMEOUT"]) >= item.claim.until:
        with unit_of_work():
            if not hold(item.claim, now + CLAIM_LEASE):
                return
    followed = []
    deliver_claimed(item.claim, gateway, lambda message: followed.append(follow_message(message, item.timezone)))
    status = followed[-1] if followed else None  # the last try to record is the one committed
    if status == SurveyStatus.SENT:
        totals.sent += 1
        SURVEYS.labels("dispatched").inc()
    elif status == SurveyStatus.FAILED:
        totals.failed += 1
    else:
        totals.retry += 1
