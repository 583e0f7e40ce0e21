"""Index-backed look-ups shared by the webhooks: which program was called, who is calling."""

import phonenumbers
from sqlalchemy import Row, and_, bindparam, select

from helpdesk.cases.models import Case, Category, Channel
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program

MAX_NUMBER = 64


def e164_or_raw(raw: str | None) -> str:
    """A caller's number in E.164 when it is one; otherwise what Twilio sent ("anonymous", garbage), cut short.

    A number that parses but is not valid (a new range, a short code) is still written one way only,
    so that two texts from it meet on one case.
    """
    raw = (raw or "").strip()
    try:  # normalize_phone's answer for a valid number, without its validity check
        return phonenumbers.format_number(phonenumbers.parse(raw), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return raw[:MAX_NUMBER] or "unknown"


def from_hotline_and_caller(*columns):
    """SELECT ``columns`` of the program called (by its unique hotline number, ``:hotline``) and of the caller
    among its participants (``:caller``; NULLs for a stranger): one indexed read."""
    return (select(*columns).select_from(Program)
            .outerjoin(Participant, and_(Participant.phone == bindparam("caller"),
                                         Participant.program_id == Program.id))
            .where(Program.hotline_number == bindparam("hotline"))
            .limit(1))


def hotline_and_caller(to_number: str | None, caller: str) -> Row | None:
    """The called program's id, name, locale, greetings and number, with the caller's participant id and
    locale (None when the number is not a participant's); None for a number that is no program's hotline."""
    return db.session.execute(from_hotline_and_caller(
        Program.id.label("program_id"), Program.name, Program.locale, Program.greetings, Program.hotline_number,
        Participant.id.label("participant_id"), Participant.locale.label("participant_locale")),
        {"hotline": e164_or_raw(to_number), "caller": caller}).first()


def latest_open_case(participant_id: int, *, category: Category | None = None,
                     channel: Channel | None = None) -> Case | None:
    query = select(Case).where(Case.participant_id == participant_id, Case.is_open.is_(True))
    if category is not None:
        query = query.where(Case.category == category)
    if channel is not None:
        query = query.where(Case.channel == channel)
    return db.session.scalar(query.order_by(Case.id.desc()).limit(1))
