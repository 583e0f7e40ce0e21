"""Delivering outbox messages one by one, safe with any number of workers on SQLite and on PostgreSQL.

The same outbox as :mod:`helpdesk.telephony.outbox` (rows, statuses, leases, backoff and outcomes are
``deliver()``'s), with the steps ordered so that no transaction is open while the gateway is asked and every
transaction begins with its write:

1. claim: a compare-and-set moves the row to ``sending`` with a lease; commit;
2. send: read what to send, end the read, ask the gateway;
3. record: lock the row (a write first), ``deliver()`` records the outcome, ``after(message)`` follows it in
   the same transaction (a survey becomes sent), commit.

Why this order: on SQLite, a transaction that reads and then writes fails at once with "database is locked"
when another worker committed in between (a stale WAL snapshot is never waited for). Were the gateway asked
inside such a transaction, the text would be accepted by Twilio, left claimed, and sent again when its lease
ended.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import lazyload

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import CLAIM_LEASE, deliver
from helpdesk.telephony.twilio_adapter import SendResult, current_gateway

CLAIMABLE = ("pending", "sending")  # sending: only once its lease has run out


@dataclass(frozen=True)
class _Recorded:
    """A gateway that answers with a send already made, so ``deliver`` records it in a short transaction."""

    result: SendResult

    def send(self, from_number: str, to_number: str, body: str) -> SendResult:
        return self.result


def claim(message_id: int, now: datetime) -> bool:
    """Take one due message for this worker (compare-and-set, committed); False if another took it."""
    taken = db.session.execute(
        update(Message).where(Message.id == message_id, Message.status.in_(CLAIMABLE),
                              Message.next_attempt_at <= now)
        .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(taken)


def renew(message_id: int, claimed_until: datetime, now: datetime) -> bool:
    """Extend this worker's lease on a message, if it still holds it (compare-and-set, committed)."""
    renewed = db.session.execute(
        update(Message).where(Message.id == message_id, Message.status == "sending",
                              Message.next_attempt_at == claimed_until)
        .values(next_attempt_at=now + CLAIM_LEASE).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(renewed)


def deliver_claimed(message_id: int, gateway, after: Callable[[Message], None] | None = None, *,
                    text: tuple[str, str, str] | None = None) -> str:
    """Steps 2 and 3 for a message this worker has claimed: "sent", "retry" (backoff) or "failed".

    ``text`` is (from, to, body) when the caller already has them (it just wrote the message)."""
    if text is None:
        message = db.session.get(Message, message_id, populate_existing=True, options=[lazyload("*")])
        text = message.from_number, message.to_number, message.body
        db.session.commit()  # no transaction stays open while the gateway is asked
    result = gateway.send(*text)
    message = db.session.scalars(  # a write opens the transaction: the row is locked, never a stale read
        update(Message).where(Message.id == message_id).values(status=Message.status).returning(Message)
        .options(lazyload("*")).execution_options(populate_existing=True, synchronize_session=False)).one()
    deliver(message, gateway=_Recorded(result))
    if after is not None:
        after(message)
    outcome = "sent" if message.message_sid else "retry" if message.status == "pending" else "failed"
    db.session.commit()  # read nothing after this: the next transaction must begin with its write
    return outcome


def deliver_now(message_id: int) -> str:
    """Send a message just committed to the outbox (an agent's reply) right away, the same safe way."""
    if not claim(message_id, utcnow()):
        return "taken"  # a worker got to it first
    return deliver_claimed(message_id, current_gateway())


def due_message_ids(limit: int, now: datetime) -> list[int]:
    ids = db.session.scalars(select(Message.id).where(
        or_(Message.status == "pending", Message.status == "sending"), Message.next_attempt_at <= now,
    ).order_by(Message.next_attempt_at).limit(limit)).all()
    db.session.commit()
    return list(ids)


def deliver_due_outbox(*, gateway=None, batch: int = 100, after: Callable[[Message], None] | None = None,
                       should_stop: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """Every outbound text due now (new ones, retries, expired claims), each claimed before it is sent."""
    gateway = gateway or current_gateway()
    totals = {"sent": 0, "retry": 0, "failed": 0}
    seen: set[int] = set()
    db.session.commit()
    while not should_stop():
        ids = [i for i in due_message_ids(batch, utcnow()) if i not in seen]
        if not ids:
            return totals
        for message_id in ids:
            seen.add(message_id)  # a retry scheduled in this pass waits for the next one
            if should_stop():
                break
            if not claim(message_id, utcnow()):
                continue
            totals[deliver_claimed(message_id, gateway, after)] += 1
    return totals
