"""Texts that could not be filed after every attempt (see :func:`helpdesk.telephony.sms.file_or_park`), for an
admin: nothing a participant writes is lost, and nothing is retried for ever unseen."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from helpdesk.database import lock_row, utcnow
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.telephony.models import Message

SHOWN = 200


def parked_texts() -> list[Message]:
    """The newest parked texts (failed inbound messages): few, and indexed by status."""
    return list(db.session.scalars(
        select(Message).options(joinedload(Message.program), joinedload(Message.participant))
        .where(Message.status == "failed", Message.direction == "inbound")
        .order_by(Message.id.desc()).limit(SHOWN)))


def retry_parked_text(message_id: int) -> Message:
    """Give a parked text its attempts back: the worker files it at its next pass (once the cause is fixed)."""
    message = lock_row(Message, Message.id == message_id, Message.status == "failed", Message.direction == "inbound")
    if message is None:
        raise NotFound("no such parked text")
    message.status, message.attempts, message.next_attempt_at = "received", 0, utcnow()
    message.error_message = None
    db.session.flush()
    return message
