"""The SMS conversation of a case: the messages shown on the case page and who a reply goes to."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select, update

from helpdesk.actors import Actor
from helpdesk.cases.models import Case
from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.telephony.models import Call, Message
from helpdesk.telephony.outbox import send_sms
from helpdesk.telephony.segments import MAX_REPLY, split_reply
from helpdesk.validation import FieldErrors

SHOWN = 50


def case_messages(case: Case) -> list[Message]:
    """The case's latest messages, oldest first, loaded once per request (the timeline reads them too)."""
    cache = g.setdefault("case_messages", {})
    if case.id not in cache:
        latest = select(Message).where(Message.case_id == case.id).order_by(Message.id.desc()).limit(SHOWN)
        cache[case.id] = list(reversed(db.session.scalars(latest).all()))
    return cache[case.id]


def message_status(case: Case, message_id: int) -> Message | None:
    return next((m for m in case_messages(case) if m.id == message_id), None)


def reply_number(case: Case) -> tuple[str | None, str | None]:
    """(number to text, reason why not): the participant's phone, or the unknown sender's number."""
    participant = case.participant
    if participant is not None:
        if participant.sms_opt_out:
            return None, _("%(name)s has opted out of SMS: no texts can be sent.", name=participant.full_name)
        if participant.phone:
            return participant.phone, None
        return None, _("The participant has no phone number to text.")
    inbound = [m for m in case_messages(case) if m.direction == "inbound" and m.from_number.startswith("+")]
    if inbound:
        return inbound[-1].from_number, None
    return None, _("No number to text: link a participant first.")


def send_reply(case: Case, body, *, actor: Actor) -> list[Message]:
    """Reply to the participant by SMS, through the outbox: one message, or several when longer than one may be.
    Refused (Conflict) with the reason when there is no one to text."""
    errors = FieldErrors()
    body = errors.text("body", body, max_length=MAX_REPLY)
    errors.raise_if_any()
    number, reason = reply_number(case)
    if number is None:
        raise Conflict(reason)
    return [send_sms(case.program, number, part, actor=actor, case=case, participant=case.participant)
            for part in split_reply(body)]


def move_to_merged_case(case: Case, *, into: Case) -> None:
    """Answers ``cases_merged``: the merged case's texts and calls go to the case it is merged into."""
    for model in (Message, Call):
        db.session.execute(update(model).where(model.case_id == case.id).values(case_id=into.id)
                           .execution_options(synchronize_session=False))
