"""Delivering the SMS outbox: each message claimed, sent with no transaction open, and its result recorded,
each step a unit of work of its own (the steps: :mod:`helpdesk.telephony.delivery`).

A text is not sent twice because the database failed for a moment (a write lock held past the busy timeout,
a restarted server). Recording the result is tried again in process for up to ``RECORD_RETRY_SECONDS``
before anything else happens. Should it still fail (or the worker die after sending), the message stays
``sending`` until its lease runs out; whoever claims it then asks Twilio for the messages it has to that
number since the text was queued, and records the one with its body instead of sending again. Only when
Twilio has none is it sent; when Twilio cannot be asked, it is asked again later, and nothing is sent.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.exc import DBAPIError

from helpdesk.database import unit_of_work, utcnow
from helpdesk.operations.metrics import TEXTS
from helpdesk.surveys.dispatch import follow_message
from helpdesk.telephony.delivery import Claim, claim_message, hold, record, record_found
from helpdesk.telephony.models import Message
from helpdesk.telephony.twilio_adapter import current_gateway

log = logging.getLogger(__name__)
RECORD_RETRY_SECONDS = 30.0  # first again after 0.1 s, then doubling
LOOKUP_RETRY = timedelta(minutes=1)


def deliver_outbox(*, gateway=None, should_stop: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """Every outbound text due now (new ones, retries, claims whose worker died), each claimed before it is
    sent; a survey's question marks its survey. The worker's pass, and ``flask sms deliver``."""
    gateway = gateway or current_gateway()
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while not should_stop():
        with unit_of_work():
            claim = claim_message(utcnow())
        if claim is None:
            break
        totals[deliver_claimed(claim, gateway, follow_message)] += 1
    return totals


def deliver_now(message_id: int) -> str:
    """Send a message just committed to the outbox (an agent's reply) right away, the same safe way: "sent",
    "retry", "failed", or "taken" when a worker got to it first."""
    with unit_of_work():
        claim = claim_message(utcnow(), message_id)
    return "taken" if claim is None else deliver_claimed(claim, current_gateway())


def deliver_claimed(claim: Claim, gateway, after: Callable[[Message], object] | None = None) -> str:
    """Send a message this worker has claimed and record the outcome: "sent", "retry" or "failed" (counted in
    the ``helpdesk_texts_total`` metric)."""
    outcome = _deliver_claimed(claim, gateway, after)
    TEXTS.labels(outcome).inc()
    return outcome


def _deliver_claimed(claim: Claim, gateway, after: Callable[[Message], object] | None) -> str:
    if claim.unrecorded_since is not None:
        found = gateway.find_sent(*claim.text, since=claim.unrecorded_since)
        if found is None:
            log.warning("could not ask Twilio whether message %s went out; asking again later", claim.message_id)
            with unit_of_work():
                hold(claim, utcnow() + LOOKUP_RETRY)
            return "retry"
        if found and (outcome := _recorded(lambda: record_found(claim.message_id, found, after))):
            return outcome
    result = gateway.send(*claim.text)
    return _recorded(lambda: record(claim.message_id, result, after))


def _recorded(step: Callable[[], str | None]) -> str | None:
    """``step`` (recording what the gateway did) in a unit of work, tried again while the database fails."""
    pause, deadline = 0.1, time.monotonic() + RECORD_RETRY_SECONDS
    while True:
        try:
            with unit_of_work():
                return step()
        except DBAPIError:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("recording a delivery failed; trying again in %.1f s", pause, exc_info=True)
            time.sleep(pause)
            pause *= 2
