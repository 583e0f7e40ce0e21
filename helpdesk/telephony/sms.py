"""Inbound SMS and delivery reports: every text lands on a case once, opt-out words are honoured."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import String, Text, bindparam, literal, select, update
from sqlalchemy import case as sql_case

from helpdesk.cases.models import Category, Channel, Status
from helpdesk.cases.services import log_activity, open_case, update_case
from helpdesk.database import UTCDateTime, insert_or_ignore, lock_row, unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from helpdesk.signals import participant_opted_out, text_opened_case, text_received
from helpdesk.telephony.lookup import e164_or_raw, from_hotline_and_caller
from helpdesk.telephony.models import Message, TelephonyEvent
from helpdesk.telephony.threads import conversation_case
from helpdesk.telephony.twilio_adapter import OPTED_OUT
from helpdesk.telephony.voice import HOTLINE

log = logging.getLogger(__name__)
MAX_BODY = 10_000
# A text whose filing failed is tried again after this by the worker, and parked after so many attempts.
FILING_RETRY = timedelta(seconds=30)
MAX_FILING_ATTEMPTS = 5
TRUNCATED = " […truncated]"
# Twilio's own opt-out words plus their Polish and Russian counterparts; a single word, any case.
OPT_OUT_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
                 "koniec", "wypisz", "rezygnuję", "rezygnuje", "стоп", "отписаться", "отписка", "хватит"}
# Opt-in words count only from a participant who opted out; from anyone else they are ordinary messages.
OPT_IN_WORDS = {"start", "unstop", "yes", "tak", "да", "старт"}
# Delivery statuses in the order they happen; a report never moves a message backwards.
STATUS_RANK = {"pending": 0, "sending": 1, "accepted": 2, "scheduled": 2, "queued": 2, "sent": 3,
               "delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4, "read": 5}
FINAL_STATUSES = {"delivered", "undelivered", "failed", "canceled", "read"}


def keyword(body: str) -> str:
    """The message as one lower-case word, or "" when it is more than one word."""
    words = body.strip().strip(".!").split()
    return words[0].casefold() if len(words) == 1 else ""


def clip(body: str) -> str:
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - len(TRUNCATED)] + TRUNCATED


def find_message(sid: str | None) -> Message | None:
    """The message a delivery report is about, locked: reports arriving together move it one after the other."""
    return lock_row(Message, Message.message_sid == sid[:64]) if sid else None


def receive_sms(form) -> None:
    """``/sms/incoming``: store the text once, by its MessageSid, and file it (a text to a number that is no
    program's hotline is not stored). The text is stored whatever filing does: should filing fail, it is
    rolled back alone and tried again by the worker (:func:`file_due_messages`)."""
    sid = (form.get("MessageSid") or form.get("SmsSid") or "")[:64]
    if not sid:
        return
    now = utcnow()
    db.session.connection().execute(_store_text(), {
        "hotline": e164_or_raw(form.get("To")), "caller": e164_or_raw(form.get("From")), "sid": sid,
        "body": clip(form.get("Body") or ""), "next_attempt_at": now + FILING_RETRY, "now": now})
    file_or_park(sid)


def _store_text():
    """INSERT INTO messages … SELECT: the text with its program and sender, ignored when its Sid is stored."""
    return insert_or_ignore(Message, Message.message_sid).from_select(
        ["message_sid", "program_id", "participant_id", "direction", "from_number", "to_number", "body", "status",
         "attempts", "next_attempt_at", "created_at", "updated_at"],
        from_hotline_and_caller(
            bindparam("sid", type_=String), Program.id, Participant.id, literal("inbound"),
            bindparam("caller", type_=String), Program.hotline_number, bindparam("body", type_=Text),
            literal("received"), literal(0), bindparam("next_attempt_at", type_=UTCDateTime),
            bindparam("now", type_=UTCDateTime), bindparam("now", type_=UTCDateTime)))


def file_or_park(sid: str) -> Message | None:
    """:func:`file_message` in a savepoint. When it fails, the text stays stored and unfiled: it is tried again
    later, and after ``MAX_FILING_ATTEMPTS`` it is parked as ``failed`` for an admin (Needs attention)."""
    try:
        with db.session.begin_nested():
            return file_message(sid)
    except Exception as error:
        log.exception("filing the text %s failed", sid)
        attempts = Message.attempts + 1
        db.session.execute(
            update(Message).where(Message.message_sid == sid, Message.status == "received")
            .values(attempts=attempts, error_message=f"{type(error).__name__}: {error}"[:255],
                    status=sql_case((attempts >= MAX_FILING_ATTEMPTS, "failed"), else_="received"),
                    next_attempt_at=sql_case((attempts >= MAX_FILING_ATTEMPTS, None),
                                         else_=utcnow() + FILING_RETRY))
            .execution_options(synchronize_session=False))
        return None


def file_message(sid: str) -> Message | None:
    """Act on a stored text, exactly once: opt-out and opt-in words, a reply a feature takes (a survey's
    answer), or else the sender's SMS case. None when it was filed already (or is not stored).

    Taking the row (clearing ``next_attempt_at``) is an UPDATE … RETURNING, so two filers of one text (a
    redelivery and the worker) meet on its lock and only one goes on.
    """
    message = db.session.scalars(
        update(Message).where(Message.message_sid == sid, Message.direction == "inbound",
                              Message.status == "received", Message.next_attempt_at.is_not(None))
        .values(next_attempt_at=None).returning(Message)
        .execution_options(populate_existing=True, synchronize_session=False)).one_or_none()
    if message is None:
        return None
    if message.participant_id is not None:  # one sender's texts are filed one after the other
        lock_row(Participant, Participant.id == message.participant_id)
    word = keyword(message.body)
    participant = message.participant
    if word in OPT_OUT_WORDS:  # filed nowhere: Twilio has blocked the number already
        if participant is not None:
            participant.sms_opt_out = True
            participant_opted_out.send(participant)
    elif participant is not None and word in OPT_IN_WORDS and participant.sms_opt_out:
        participant.sms_opt_out = False
    elif participant is None or not any(took for _, took in text_received.send(message)):
        _append_to_case(message)
    db.session.flush()
    return message


def file_due_messages(now: datetime | None = None, batch: int = 100) -> int:
    """The worker's share: file texts whose filing failed before, each in a unit of work of its own."""
    now = now or utcnow()
    sids = db.session.scalars(select(Message.message_sid).where(
        Message.status == "received", Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at).limit(batch)).all()
    filed = 0
    for sid in sids:
        with unit_of_work():
            filed += file_or_park(sid) is not None
    return filed


def _append_to_case(message: Message) -> None:
    """The text goes on its conversation's case (reopened if need be; see :mod:`helpdesk.telephony.threads`),
    else on a new SMS case, which acknowledges it."""
    if message.participant_id is None:  # unknown senders' texts queue on the program's row
        lock_row(Program, Program.id == message.program_id)
    now = utcnow()
    case, reopen = conversation_case(message, now)
    opened = case is None
    if opened:
        first_line = (message.body.strip().splitlines() or ["(empty message)"])[0]
        case = open_case(message.program, participant=message.participant, channel=Channel.SMS,
                         category=Category.OTHER, subject=f"SMS: {first_line[:180]}",
                         description=f"Text from {message.from_number}", actor=HOTLINE)
    elif reopen:
        log_activity(case, TelephonyEvent.REOPENED_BY_TEXT, actor=HOTLINE,
                     resolved_days_ago=(now - case.resolved_at).days)
        update_case(case, actor=HOTLINE, status=Status.OPEN)
    message.case_id = case.id  # written with the timeline entry
    log_activity(case, TelephonyEvent.SMS_IN, actor=HOTLINE, body=message.body, is_public=True, message_id=message.id)
    case.participant_texted_at = now
    if case.status == Status.PENDING_PARTICIPANT:
        update_case(case, actor=HOTLINE, status=Status.OPEN)
    if opened:
        text_opened_case.send(case, message=message)


def record_delivery_status(form) -> None:
    """``/sms/status``: move the message forward only; 21610 means the recipient has opted out."""
    message = find_message(form.get("MessageSid") or form.get("SmsSid"))
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    if message is None or status not in STATUS_RANK:
        return
    if message.status in FINAL_STATUSES or STATUS_RANK[status] <= STATUS_RANK.get(message.status, 0):
        return
    message.status = status
    code = form.get("ErrorCode") or ""
    if code.isdigit() and len(code) < 10:
        message.error_code = int(code)
        mark_opted_out_on(message)


def mark_opted_out_on(message: Message) -> None:
    if message.error_code == OPTED_OUT and message.participant_id is not None:
        db.session.get(Participant, message.participant_id).sms_opt_out = True
