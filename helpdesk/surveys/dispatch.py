"""Sending due surveys through the SMS outbox, safely from any number of dispatchers at once.

1. Claim: one statement moves a batch of due surveys from scheduled to sending (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL; on SQLite the statement is an atomic compare-and-set that takes the write lock first). In the
   same transaction each claimed survey gets its question as an outbound message (``send_sms``). Killed
   before this commit, nothing happened; after it, every claimed survey has exactly one message.
2. Deliver: each message is claimed again in the outbox's own way (a compare-and-set on the row), handed to
   the gateway with no transaction open, and the outcome recorded with ``deliver()`` in a short transaction
   that marks the survey sent (counted on the dashboard) or failed (see delivery.py). A transient failure
   leaves the message pending with backoff; the worker's outbox pass retries it.
3. Sync: surveys whose message a later attempt delivered or failed take that outcome; sent surveys past the
   reply window expire.

The one window that can duplicate a text is a crash between the gateway accepting it and step 2's record:
Twilio's API offers no idempotency key, so the outbox resends after its lease (at-least-once delivery).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update

from helpdesk.database import utcnow
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.surveys.delivery import claim, deliver_claimed
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.scheduling import SURVEYS
from helpdesk.surveys.settings import rules_for
from helpdesk.surveys.stats import count_sent
from helpdesk.surveys.texts import survey_text
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms
from helpdesk.telephony.twilio_adapter import current_gateway


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
                f"cancelled; {self.synced} updated from later attempts, {self.expired} expired unanswered.")


def dispatch_due_surveys(*, batch: int | None = None, gateway=None, now: datetime | None = None,
                         progress: Callable[[DispatchTotals], None] | None = None,
                         should_stop: Callable[[], bool] = lambda: False) -> DispatchTotals:
    """Send every survey due by ``now`` (default: the current time), then sync outcomes and expire old ones."""
    batch = batch or current_app.config["SURVEY_DISPATCH_BATCH"]
    gateway = gateway or current_gateway()
    totals = DispatchTotals()
    db.session.commit()  # the claim must be the first statement of its transaction
    while not should_stop():
        messages = claim_due_surveys(batch, now or utcnow(), totals)
        db.session.commit()
        if not messages:
            break
        for message_id, survey_id in messages:
            if should_stop():
                break  # the rest stay in the outbox; the next pass or ``sms deliver`` sends them
            _deliver_one(message_id, survey_id, gateway, totals)
        if progress:
            progress(totals)
    totals.synced = sync_outcomes(now or utcnow())
    totals.expired = expire_unanswered(now or utcnow())
    db.session.commit()
    return totals


def claim_due_surveys(limit: int, now: datetime, totals: DispatchTotals) -> list[tuple[int, int]]:
    """Claim up to ``limit`` due surveys and put each one's question in the outbox: [(message id, survey id)]."""
    due = _skip_locked(select(Survey.id).where(Survey.status == SurveyStatus.SCHEDULED, Survey.due_at <= now)
                       .order_by(Survey.due_at).limit(limit))
    claimed = db.session.scalars(
        update(Survey).where(Survey.id.in_(due.scalar_subquery()), Survey.status == SurveyStatus.SCHEDULED)
        .values(status=SurveyStatus.SENDING).returning(Survey.id)
        .execution_options(synchronize_session=False)
    ).all()
    surveys = db.session.scalars(select(Survey).where(Survey.id.in_(claimed)).order_by(Survey.id)
                                 .execution_options(populate_existing=True)).all()
    queued = []
    for survey in surveys:
        message = _queue_question(survey, totals)
        if message is not None:
            queued.append((message.id, survey.id))
    return queued


def _queue_question(survey: Survey, totals: DispatchTotals) -> Message | None:
    case, participant = survey.case, survey.participant
    if not participant.phone or participant.sms_opt_out:
        survey.status, survey.reason = SurveyStatus.CANCELLED, "no_phone" if not participant.phone else "opted_out"
        totals.cancelled += 1
        return None
    rules = rules_for(case.program)
    body = survey_text(survey.locale, "question", rules.questions.get(survey.locale), case=case.number,
                       program=case.program.name)
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
    db.session.flush()
    return message


def _deliver_one(message_id: int, survey_id: int, gateway, totals: DispatchTotals) -> None:
    if not claim(message_id, utcnow()):
        return  # another worker's outbox pass took it first; sync_outcomes marks the survey
    deliver_claimed(message_id, gateway, after=follow_message)
    outcome = db.session.scalar(select(Survey.status).where(Survey.id == survey_id))
    db.session.commit()
    if outcome == SurveyStatus.SENT:
        totals.sent += 1
    elif outcome == SurveyStatus.FAILED:
        totals.failed += 1
    else:
        totals.retry += 1


def follow_message(message: Message) -> None:
    """In the transaction that recorded a delivery attempt: the survey the message carries takes its outcome."""
    survey = db.session.scalar(select(Survey).where(Survey.message_id == message.id))
    if survey is not None:
        _take_outcome(survey, message, utcnow())


def _take_outcome(survey: Survey, message: Message, now: datetime) -> SurveyStatus:
    """Mark a sending survey by its message: sent once the gateway accepted it, failed if refused for good."""
    if survey.status != SurveyStatus.SENDING:
        return survey.status
    if message.message_sid:
        mark_sent(survey, now)
    elif message.status == "failed":
        survey.status = SurveyStatus.FAILED
        survey.reason = f"gateway: {message.error_code or ''} {message.error_message or ''}".strip()[:255]
    return survey.status


def mark_sent(survey: Survey, now: datetime) -> None:
    survey.status, survey.sent_at = SurveyStatus.SENT, now
    survey.sent_day = now.astimezone(ZoneInfo(survey.case.program.timezone)).date()
    db.session.flush()
    count_sent(survey)


def sync_outcomes(now: datetime, limit: int = 1000) -> int:
    """Sending surveys whose message has an outcome by now (a retry, or the outbox after a crash) take it."""
    done = select(Message.id).where(Message.direction == "outbound",
                                    (Message.message_sid.is_not(None)) | (Message.status == "failed"))
    ready = _skip_locked(select(Survey.id).where(Survey.status == SurveyStatus.SENDING,
                                                 Survey.message_id.in_(done)).limit(limit))
    ids = db.session.scalars(  # a write first: these rows are this transaction's until it commits
        update(Survey).where(Survey.id.in_(ready.scalar_subquery()), Survey.status == SurveyStatus.SENDING)
        .values(status=SurveyStatus.SENDING).returning(Survey.id)
        .execution_options(synchronize_session=False)
    ).all()
    for survey_id in ids:
        survey = db.session.get(Survey, survey_id, populate_existing=True)
        _take_outcome(survey, db.session.get(Message, survey.message_id), now)
    db.session.commit()
    return len(ids)


def _skip_locked(query):
    """On PostgreSQL, rows another dispatcher holds are left to it rather than waited for."""
    return query.with_for_update(skip_locked=True) if db.session.get_bind().dialect.name == "postgresql" else query


def expire_unanswered(now: datetime) -> int:
    window = timedelta(hours=current_app.config["SURVEY_REPLY_HOURS"])
    expired = db.session.execute(
        update(Survey).where(Survey.status == SurveyStatus.SENT, Survey.sent_at < now - window)
        .values(status=SurveyStatus.EXPIRED).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return expired
