"""Sending due surveys through the SMS outbox, safely from any number of dispatchers at once. The steps only
flush; :mod:`helpdesk.jobs.surveys` runs each in a unit of work of its own.

1. Claim (:func:`claim_due_surveys`): one statement moves a batch of due surveys from scheduled to sending
   (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the unit of work holds the write lock). In the same
   transaction each claimed survey gets its question as an outbound message (``send_sms``), already claimed
   in the outbox's way for this dispatcher. Killed before this commit, nothing happened; after it, every
   claimed survey has exactly one message.
2. Deliver: each message is sent like any in the outbox (:mod:`helpdesk.jobs.outbox`), and the outcome
   recorded with :func:`follow_message` in the same transaction, which marks the survey sent (counted on the
   dashboard) or failed. A transient failure leaves the message pending with backoff; the worker's outbox
   pass retries it. A message claimed but not sent (a stop request) is given back with :func:`release`.
3. Sync (:func:`sync_outcomes`): surveys whose message a later attempt delivered or failed take that outcome;
   sent surveys past the reply window expire (:func:`expire_unanswered`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from helpdesk.database import skip_locked, utcnow
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.signals import survey_sending
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.scheduling import SURVEYS
from helpdesk.surveys.settings import SurveyRules, rules_for
from helpdesk.surveys.stats import count_sent
from helpdesk.surveys.texts import survey_text
from helpdesk.telephony.delivery import Claim
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import CLAIM_LEASE, send_sms


@dataclass
class DispatchTotals:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    cancelled: int = 0
    synced: int = 0
    expired: int = 0

    @property
    def did_anything(self) -> bool:
        return any((self.sent, self.retry, self.failed, self.cancelled, self.synced, self.expired))

    def summary(self) -> str:
        return (f"Sent {self.sent} surveys, {self.retry} to retry, {self.failed} failed, {self.cancelled} "
                f"cancelled; {self.synced} updated from later attempts, {self.expired} expired unanswered")


@dataclass(frozen=True)
class QueuedQuestion:
    """A claimed survey's question, in the outbox and claimed for this dispatcher."""

    claim: Claim
    timezone: str  # the program's: the day the survey counts on


def claim_due_surveys(limit: int, now: datetime, totals: DispatchTotals) -> list[QueuedQuestion]:
    """Claim up to ``limit`` due surveys and put each one's question in the outbox, already claimed for this
    dispatcher (status ``sending`` with the outbox's lease), so that no other worker sends it meanwhile."""
    due = skip_locked(select(Survey.id).where(Survey.status == SurveyStatus.SCHEDULED, Survey.due_at <= now)
                      .order_by(Survey.due_at).limit(limit))
    claimed = db.session.scalars(
        update(Survey).where(Survey.id.in_(due.scalar_subquery()), Survey.status == SurveyStatus.SCHEDULED)
        .values(status=SurveyStatus.SENDING).returning(Survey.id)
        .execution_options(synchronize_session=False)
    ).all()
    surveys = db.session.scalars(select(Survey).where(Survey.id.in_(claimed)).order_by(Survey.id)
                                 .options(joinedload(Survey.case)).execution_options(populate_existing=True)).all()
    rules, queued, lease = {}, [], now + CLAIM_LEASE
    for survey in surveys:
        program = survey.case.program
        if program.id not in rules:
            rules[program.id] = rules_for(program)
        message = _queue_question(survey, rules[program.id], totals)
        if message is not None:
            message.status, message.next_attempt_at = "sending", lease
            text = message.from_number, message.to_number, message.body
            queued.append(QueuedQuestion(Claim(message.id, text, lease), program.timezone))
    db.session.flush()
    return queued


def _queue_question(survey: Survey, rules: SurveyRules, totals: DispatchTotals) -> Message | None:
    case, participant = survey.case, survey.participant
    if not participant.phone or participant.sms_opt_out:
        survey.status, survey.reason = SurveyStatus.CANCELLED, "no_phone" if not participant.phone else "opted_out"
        totals.cancelled += 1
        return None
    survey.scale = rules.scale.top  # the scale asked is the scale the answer is read on
    body = survey_text(survey.locale, "question", survey.scale, rules.text(survey.locale, "question"),
                       case=case.number, program=case.program.name)
    try:
        message = send_sms(case.program, participant.phone, body, actor=SURVEYS, case=case,
                           participant=participant)
    except Conflict:
        survey.status, survey.reason = SurveyStatus.CANCELLED, "opted_out"
        totals.cancelled += 1
        return None
    except ValidationError as exc:
        survey.status, survey.reason = SurveyStatus.FAILED, exc.message[:255]
        totals.failed += 1
        return None
    survey.message_id = message.id
    return message


def release(items: list[QueuedQuestion]) -> None:
    """Give back claimed questions not sent yet: pending and due, for whichever worker comes next."""
    for item in items:
        db.session.execute(update(Message).where(Message.id == item.claim.message_id, Message.status == "sending",
                                                 Message.next_attempt_at == item.claim.until)
                           .values(status="pending", next_attempt_at=utcnow())
                           .execution_options(synchronize_session=False))


def follow_message(message: Message, timezone: str | None = None) -> SurveyStatus | None:
    """In the transaction that recorded a delivery attempt: the survey the message carries takes its outcome."""
    survey = db.session.scalar(select(Survey).where(Survey.message_id == message.id))
    if survey is None:
        return None
    return _take_outcome(survey, message, utcnow(), timezone or message.program.timezone)


def _take_outcome(survey: Survey, message: Message, now: datetime, timezone: str) -> SurveyStatus:
    """Mark a sending survey by its message: sent once the gateway accepted it, failed if refused for good."""
    if survey.status != SurveyStatus.SENDING:
        return survey.status
    if message.message_sid:
        mark_sent(survey, now, timezone)
    elif message.status == "failed":
        survey.status = SurveyStatus.FAILED
        survey.reason = f"gateway: {message.error_code or ''} {message.error_message or ''}".strip()[:255]
    return survey.status


def mark_sent(survey: Survey, now: datetime, timezone: str) -> None:
    """Sent now: counted on the dashboard on the program's local day, and under the keys other features give it
    (``survey_sending``), which its answer will be counted under too."""
    survey.status, survey.sent_at = SurveyStatus.SENT, now
    survey.sent_day = now.astimezone(ZoneInfo(timezone)).date()
    keys = {}
    for _receiver, answer in survey_sending.send(survey):
        keys.update(answer or {})
    survey.order_keys = keys or None
    db.session.flush()
    count_sent(survey)


def sync_outcomes(now: datetime, limit: int = 1000) -> int:
    """Sending surveys whose message has an outcome by now (a retry, or the outbox after a crash) take it."""
    done = select(Message.id).where(Message.direction == "outbound",
                                    (Message.message_sid.is_not(None)) | (Message.status == "failed"))
    ready = skip_locked(select(Survey.id).where(Survey.status == SurveyStatus.SENDING,
                                                Survey.message_id.in_(done)).limit(limit))
    ids = db.session.scalars(  # a write first: these rows are this transaction's until it commits
        update(Survey).where(Survey.id.in_(ready.scalar_subquery()), Survey.status == SurveyStatus.SENDING)
        .values(status=SurveyStatus.SENDING).returning(Survey.id)
        .execution_options(synchronize_session=False)
    ).all()
    for survey_id in ids:
        survey = db.session.get(Survey, survey_id, populate_existing=True)
        message = db.session.get(Message, survey.message_id)
        _take_outcome(survey, message, now, message.program.timezone)
    return len(ids)


def expire_unanswered(now: datetime) -> int:
    window = timedelta(hours=current_app.config["SURVEY_REPLY_HOURS"])
    expired = db.session.execute(
        update(Survey).where(Survey.status == SurveyStatus.SENT, Survey.sent_at < now - window)
        .values(status=SurveyStatus.EXPIRED).execution_options(synchronize_session=False)
    ).rowcount
    return expired
