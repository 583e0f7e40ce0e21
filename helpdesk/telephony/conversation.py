"""The SMS conversation of a case: the messages shown on the case page and who a reply goes to."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.cases.models import Case
from helpdesk.extensions import db
from helpdesk.telephony.models import Message

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
            return None, _("%(name)s has opted out of SMS.", name=participant.full_name)
        if participant.phone:
            return participant.phone, None
        return None, _("The participant has no phone number.")
    inbound = [m for m in case_messages(case) if m.direction == "inbound" and m.from_number.startswith("+")]
    if inbound:
        return inbound[-1].from_number, None
    return None, _("No number to text: link a participant first.")
