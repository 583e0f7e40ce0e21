"""Outbound SMS. ``send_sms`` records the message (the outbox); ``record_attempt`` records what one attempt to
hand it to the gateway gave.

Transient failures (5xx, 429, network) wait with exponential backoff for the next delivery pass;
permanent ones (other 4xx) are recorded as failed. :mod:`helpdesk.telephony.delivery` claims each row before
sending it, so two workers never send the same message.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import insert

from helpdesk.actors import Actor
from helpdesk.auth.models import User
from helpdesk.cases.models import Case
from helpdesk.cases.services import log_activity
from helpdesk.database import utcnow
from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.phones import normalize_phone
from helpdesk.programs.models import Program
from helpdesk.telephony.models import Message, TelephonyEvent
from helpdesk.telephony.sms import STATUS_RANK, mark_opted_out_on
from helpdesk.telephony.twilio_adapter import SendResult
from helpdesk.validation import FieldErrors

MAX_SMS = 1600  # Twilio's limit for one message body
BACKOFF = timedelta(seconds=30)
CLAIM_LEASE = timedelta(minutes=5)


def send_sms(program: Program, to: str, body: str, *, actor: Actor, case: Case | None = None,
             participant: Participant | None = None, responds: bool = True) -> Message:
    """Record an outbound SMS from the program's hotline number; the caller commits, then delivers.

    On a case it is a reply to the participant (``responds``: it stops the first-response clock) unless the
    system sends it on its own (an acknowledgement, a delivery notice)."""
    errors = FieldErrors()
    body = errors.text("body", body, max_length=MAX_SMS)
    number = errors.check("to", lambda: normalize_phone(to))
    errors.raise_if_any()
    if participant is not None and participant.sms_opt_out:
        raise Conflict(f"{participant.full_name} has opted out of SMS")
    message = Message(program=program, participant=participant, case_id=case.id if case else None,
                      direction="outbound", from_number=program.hotline_number, to_number=number, body=body,
                      status="pending", next_attempt_at=utcnow(),
                      sent_by_id=actor.id if isinstance(actor, User) else None)  # not an API token's id
    db.session.add(message)
    db.session.flush()
    if case is not None:
        log_activity(case, TelephonyEvent.SMS_OUT, actor=actor, body=body, is_public=True, responds=responds,
                     message_id=message.id)
    return message


def send_sms_to_participants(program: Program, texts: list[tuple[Participant, str]]) -> int:
    """Record many texts to participants at once (the notices of an import), with one INSERT; none is on a
    case. Participants who opted out or have no phone are left out (their numbers are stored E.164); how many
    were recorded."""
    now = utcnow()
    rows = [{"program_id": program.id, "participant_id": participant.id, "direction": "outbound",
             "from_number": program.hotline_number, "to_number": participant.phone, "body": body[:MAX_SMS],
             "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now, "updated_at": now}
            for participant, body in texts if participant.phone and not participant.sms_opt_out]
    if rows:
        db.session.execute(insert(Message), rows)
    return len(rows)


def record_attempt(message: Message, result: SendResult) -> Message:
    """The outcome of one attempt to hand ``message`` to the gateway, on its row."""
    message.attempts += 1
    if result.sid:
        message.message_sid = result.sid
        message.status = result.status if STATUS_RANK.get(result.status, 0) > STATUS_RANK["sending"] else "queued"
        message.next_attempt_at = message.error_code = message.error_message = None
    elif result.transient and message.attempts < current_app.config["SMS_MAX_ATTEMPTS"]:
        # An uncertain attempt stays "sending": whoever takes it next asks Twilio before sending it again.
        message.status = "sending" if result.uncertain else "pending"
        message.next_attempt_at = utcnow() + BACKOFF * 2 ** (message.attempts - 1)
        message.error_code, message.error_message = result.error_code, result.error_message
    else:
        message.status, message.next_attempt_at = "failed", None
        message.error_code, message.error_message = result.error_code, result.error_message
        mark_opted_out_on(message)
    db.session.flush()
    return message

