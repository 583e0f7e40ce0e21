"""Index-backed look-ups shared by the webhooks: which program was called, who is calling."""

import phonenumbers
from sqlalchemy import select

from helpdesk.cases.models import Case, Category, Channel
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.phones import normalize_phone
from helpdesk.programs.models import Program

MAX_NUMBER = 64


def e164_or_raw(raw: str | None) -> str:
    """A caller's number in E.164 when it is one; otherwise what Twilio sent ("anonymous", garbage), cut short.

    A number that parses but is not valid (a new range, a short code) is still written one way only,
    so that two texts from it meet on one case.
    """
    raw = (raw or "").strip()
    try:
        return normalize_phone(raw)
    except ValueError:
        pass
    try:
        return phonenumbers.format_number(phonenumbers.parse(raw), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return raw[:MAX_NUMBER] or "unknown"


def program_for(to_number: str | None) -> Program | None:
    number = e164_or_raw(to_number)
    return db.session.scalar(select(Program).where(Program.hotline_number == number))


def participant_for(program: Program, number: str) -> Participant | None:
    if not number.startswith("+"):
        return None
    return db.session.scalar(select(Participant).where(Participant.phone == number,
                                                       Participant.program_id == program.id).limit(1))


def latest_open_case(participant: Participant, *, category: Category | None = None,
                     channel: Channel | None = None) -> Case | None:
    query = select(Case).where(Case.participant_id == participant.id, Case.is_open.is_(True))
    if category is not None:
        query = query.where(Case.category == category)
    if channel is not None:
        query = query.where(Case.channel == channel)
    return db.session.scalar(query.order_by(Case.id.desc()).limit(1))
