"""A participant's erasure (GDPR article 17): their personal data replaced by a marker everywhere it is kept,
their recordings queued for deletion at Twilio, the rest (cases, scores, orders) kept without them.

The participant's row stays as an anonymous stand-in (``erased_at`` set, no name, number, e-mail or member id)
that their cases and reward orders still point to, so every count and figure stays as it was. Surveys lose even
that link. A participant with an open case is refused: the case is someone's work in progress, and closing it
unasked would end that work behind the agent's back; resolve or close it first.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select, update

from helpdesk.actors import Actor, can_access
from helpdesk.audit.models import AuditEvent
from helpdesk.audit.services import record
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.database import insert_or_ignore, lock_row, utcnow
from helpdesk.errors import Conflict, NotFound
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.privacy.blocked import ERASED_ID_PREFIX, phone_hash
from helpdesk.privacy.models import ERASED, ErasedPhone, RecordingDeletion
from helpdesk.privacy.recordings import queue_recording_deletions
from helpdesk.rewards.models import DeliveryCase, RewardOrder
from helpdesk.scripts.models import ScriptRun
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.telephony.models import Call, Message

# Keys of a timeline entry's data that hold what a participant said or where they are reached.
PERSONAL_KEYS = {"from_number", "to_number", "recording_url", "answers", "body", "note"}
MIN_MATCH = 3  # shorter personal values are not looked for inside other text (they would match anything)


@dataclass(frozen=True)
class Erasure:
    participant_id: int
    cases: int
    messages: int
    calls: int
    recordings: int  # queued for deletion at Twilio


def erase_participant(participant_id: int, *, actor: Actor) -> Erasure:
    """Erase the participant (locked); an unknown or erased one is a NotFound, one with an open case a Conflict."""
    participant = lock_row(Participant, Participant.id == participant_id)
    if participant is None or participant.erased_at is not None or not can_access(actor, participant.program_id):
        raise NotFound(_("no such participant"))
    open_cases = db.session.scalars(select(Case).where(Case.participant_id == participant.id, Case.is_open.is_(True))
                                    .order_by(Case.number)).all()
    if open_cases:
        references = ", ".join(case.reference for case in open_cases[:10])
        raise Conflict(_("the participant has open cases (%(references)s): resolve or close them first",
                         references=references))
    personal = _personal_values(participant)
    case_ids = select(Case.id).where(Case.participant_id == participant.id).scalar_subquery()
    cases = db.session.execute(update(Case).where(Case.participant_id == participant.id)
                               .values(subject=ERASED, description=ERASED)).rowcount
    _scrub_timelines(case_ids, personal)
    messages = _erase_messages(participant, case_ids)
    calls, recordings = _erase_calls(participant, case_ids)
    _erase_the_rest(participant, case_ids)
    _scrub_audit_changes(participant)
    if participant.sms_opt_out and participant.phone:
        db.session.execute(insert_or_ignore(ErasedPhone, ErasedPhone.program_id, ErasedPhone.phone_hash).values(
            program_id=participant.program_id, phone_hash=phone_hash(participant.program_id, participant.phone),
            erased_at=utcnow()))
    participant.first_name, participant.last_name, participant.first_name_key, participant.last_name_key = (
        ERASED, "", "", "")
    participant.phone = participant.email = None
    participant.external_id, participant.points_balance = f"{ERASED_ID_PREFIX}{participant.id}", 0
    participant.erased_at = utcnow()
    db.session.flush()
    erasure = Erasure(participant.id, cases, messages, calls, recordings)
    record("participant.erased", actor=actor, target=participant,
           details={"cases": cases, "messages": messages, "calls": calls, "recordings": recordings})
    return erasure


def _personal_values(participant: Participant) -> list[str]:
    addresses = db.session.scalars(select(RewardOrder.shipping_address).where(
        RewardOrder.participant_id == participant.id, RewardOrder.shipping_address.is_not(None))).all()
    values = [participant.first_name, participant.last_name, participant.full_name, participant.phone,
              participant.email, participant.external_id, *addresses]
    return sorted({v.casefold() for v in values if v and len(v) >= MIN_MATCH}, key=len, reverse=True)


def scrub(value, personal: list[str]):
    """``value`` (a timeline entry's data, an audit change) with what may be personal replaced by the marker."""
    if isinstance(value, dict):
        return {key: ERASED if key in PERSONAL_KEYS and item not in (None, "", [], {}) else scrub(item, personal)
                for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, personal) for item in value]
    if isinstance(value, str) and any(p in value.casefold() for p in personal):
        return ERASED
    return value


def _scrub_timelines(case_ids, personal: list[str]) -> None:
    for event in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))):
        if event.body:
            event.body = ERASED
        data = scrub(event.data or {}, personal)
        if data != event.data:
            event.data = data


def _theirs(model, participant: Participant, case_ids, number_columns):
    """Rows of ``model`` that are the participant's: theirs by id, on their cases, or from or to their number
    (texts and calls from before the number was theirs on record)."""
    conditions = [model.participant_id == participant.id, model.case_id.in_(case_ids)]
    if participant.phone:
        conditions += [column == participant.phone for column in number_columns]
    return (model.program_id == participant.program_id) & or_(*conditions)


def _erase_messages(participant: Participant, case_ids) -> int:
    theirs = _theirs(Message, participant, case_ids, (Message.from_number, Message.to_number))
    unsent = Message.status.in_(("pending", "sending"))
    return db.session.execute(update(Message).where(theirs).values(
        body=ERASED,
        from_number=sql_case((Message.direction == "inbound", ERASED), else_=Message.from_number),
        to_number=sql_case((Message.direction == "outbound", ERASED), else_=Message.to_number),
        status=sql_case((unsent, "canceled"), else_=Message.status),
        next_attempt_at=sql_case((unsent, None), else_=Message.next_attempt_at),
    ).execution_options(synchronize_session=False)).rowcount


def _erase_calls(participant: Participant, case_ids) -> tuple[int, int]:
    theirs = _theirs(Call, participant, case_ids, (Call.from_number,))
    recordings = queue_recording_deletions(theirs, reason="erasure", participant_id=participant.id)
    calls = db.session.execute(update(Call).where(theirs).values(
        from_number=ERASED, recording_sid=None, recording_url=None,
        transcription=sql_case((Call.transcription.is_not(None), ERASED), else_=None),
    ).execution_options(synchronize_session=False)).rowcount
    return calls, recordings


def _erase_the_rest(participant: Participant, case_ids) -> None:
    """Survey comments and notes (scores stay, unlinked), script answers, delivery notes, shipping addresses."""
    def marked(column):
        return sql_case((column.is_not(None), ERASED), else_=None)

    theirs = or_(Survey.participant_id == participant.id, Survey.case_id.in_(case_ids))
    db.session.execute(update(Survey).where(theirs, Survey.status == SurveyStatus.SCHEDULED).values(
        status=SurveyStatus.CANCELLED, reason="participant erased").execution_options(synchronize_session=False))
    db.session.execute(update(Survey).where(theirs).values(
        participant_id=None, comment=marked(Survey.comment), follow_up_note=marked(Survey.follow_up_note),
    ).execution_options(synchronize_session=False))
    db.session.execute(update(ScriptRun).where(ScriptRun.case_id.in_(case_ids)).values(answers={})
                       .execution_options(synchronize_session=False))
    db.session.execute(update(DeliveryCase).where(DeliveryCase.case_id.in_(case_ids)).values(
        vendor_answer=marked(DeliveryCase.vendor_answer), resolution_note=marked(DeliveryCase.resolution_note),
    ).execution_options(synchronize_session=False))
    db.session.execute(update(RewardOrder).where(RewardOrder.participant_id == participant.id).values(
        shipping_address=marked(RewardOrder.shipping_address)).execution_options(synchronize_session=False))


def _scrub_audit_changes(participant: Participant) -> None:
    """The one change the audit log ever sees: the erased person's old and new values become the marker (who
    changed what, and when, stay)."""
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "participant", AuditEvent.target_id == str(participant.id),
        AuditEvent.changes.is_not(None)))
    for event in (row for row in rows if row.changes):
        event.changes = {field: [None if v is None else ERASED for v in values]
                         for field, values in event.changes.items()}


def pending_recordings(participant_id: int) -> int:
    """Recordings of the participant's erasure Twilio has not yet confirmed deleted: the erasure is pending."""
    return db.session.scalar(select(func.count()).select_from(RecordingDeletion).where(
        RecordingDeletion.participant_id == participant_id, RecordingDeletion.deleted_at.is_(None)))
