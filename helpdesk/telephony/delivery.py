"""The steps of delivering an outbox message, safe with any number of workers on SQLite and on PostgreSQL.

Each step only flushes; :mod:`helpdesk.jobs.outbox` runs each in a unit of work of its own and asks the
gateway between them, with no transaction open:

1. :func:`claim_message`: the message becomes ``sending`` with a lease, so no other worker takes it meanwhile;
2. the gateway sends it (or, for a message whose last lease ran out with no result recorded, first says
   whether it has it already: :attr:`Claim.unrecorded_since`);
3. :func:`record`: the outcome goes on the locked row, and ``after(message)`` follows it in the same
   transaction (a survey becomes sent).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from helpdesk.database import lock_row, skip_locked
from helpdesk.extensions import db
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import CLAIM_LEASE, record_attempt
from helpdesk.telephony.twilio_adapter import SendResult

CLAIMABLE = ("pending", "sending")  # sending: only once its lease has run out


@dataclass(frozen=True)
class Claim:
    """A message this worker holds until ``until``, and what to send."""

    message_id: int
    text: tuple[str, str, str]  # from, to, body
    until: datetime
    # Set when the message was ``sending`` already: an earlier worker may have sent it and failed to record the
    # result. Twilio is asked for what it has since then before sending again.
    unrecorded_since: datetime | None = None


def claim_message(now: datetime, message_id: int | None = None) -> Claim | None:
    """Take the message ``message_id``, or else the outbox's next due one, for this worker until its lease ends;
    None when it is not due (or another worker holds it)."""
    due = select(Message).where(Message.status.in_(CLAIMABLE), Message.next_attempt_at <= now)
    due = due.where(Message.id == message_id) if message_id else due.order_by(Message.next_attempt_at).limit(1)
    message = db.session.scalars(skip_locked(due).execution_options(populate_existing=True)).one_or_none()
    if message is None:
        return None
    unrecorded_since = message.created_at if message.status == "sending" else None
    message.status, message.next_attempt_at = "sending", now + CLAIM_LEASE
    db.session.flush()
    return Claim(message.id, (message.from_number, message.to_number, message.body), message.next_attempt_at,
                 unrecorded_since)


def hold(claim: Claim, until: datetime) -> bool:
    """Keep holding a claimed message until ``until``, if this worker still holds it (compare-and-set): to
    renew a lease, or to ask Twilio again later."""
    return bool(db.session.execute(
        update(Message).where(Message.id == claim.message_id, Message.status == "sending",
                              Message.next_attempt_at == claim.until)
        .values(next_attempt_at=until).execution_options(synchronize_session=False)
    ).rowcount)


def record(message_id: int, result: SendResult, after: Callable[[Message], Any] | None = None) -> str:
    """What the gateway said about a claimed message, on its locked row: "sent", "retry" (backoff) or
    "failed"."""
    message = lock_row(Message, Message.id == message_id)
    record_attempt(message, result)
    if after is not None:
        after(message)
    return "sent" if message.message_sid else "failed" if message.status == "failed" else "retry"


def record_found(message_id: int, found: list[SendResult], after: Callable[[Message], Any] | None = None) -> str | None:
    """Record the first of the messages Twilio has that no other row of the outbox is (a text with the same
    body sent before); None when there is none, and the message must be sent."""
    known = set(db.session.scalars(select(Message.message_sid).where(
        Message.message_sid.in_([result.sid for result in found]))))
    fresh = [result for result in found if result.sid not in known]
    return record(message_id, fresh[0], after) if fresh else None
