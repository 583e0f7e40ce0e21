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
from sqlalchemy.orm import lazyload

from helpdesk.database import utcnow
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.scheduling import SURVEYS
from helpdesk.surveys.settings import SurveyRules, rules_for
from helpdesk.surveys.stats import count_sent
from helpdesk.surveys.texts import survey_text
from helpdesk.telephony.delivery import deliver_claimed, renew
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import CLAIM_LEASE, send_sms
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


@dataclass(frozen=True)
class _Queued:
    message_id: int
    survey_id: int
    claimed_until: datetime  # the message's lease
    text: tuple[str, str, str]  # from, to, body
    timezone: str


def dispatch_due_surveys(*, batch: int | None = None, gateway=None, now: datetime | None = None,
                         progress: Callable[[DispatchTotals], None] | None = None,
                         should_stop: Callable[[], bool] = lambda: False) -> DispatchTotals:
    """Send every survey due by ``now`` (default: the current time), then sync outcomes and expire old ones."""
    batch = batch or current_app.config["SURVEY_DISPATCH_BATCH"]
    gateway = gateway or current_gateway()
    totals = DispatchTotals()
    db.session.commit()  # the claim must be the first statement of its transaction
    while not should_stop():
        queued = claim_due_surveys(batch, now or utcnow(), totals)
        db.session.commit()
        if not queued:
            break
        for done, item in enumerate(queued):
            if should_stop():
                release(queued[done:])  # back to the outbox, for the next pass of any worker
                break
            _deliver_one(item, gateway, totals)
        if progress:
            progress(totals)
    totals.synced = sync_outcomes(now or utcnow())
    totals.expired = expire_unanswered(now or utcnow())
    db.session.commit()
    return totals


def claim_due_surveys(limit: int, now: datetime, totals: DispatchTotals) -> list[_Queued]:
    """Claim up to ``limit`` due surveys and put each one's question in the outbox, already claimed for this
    dispatcher (status ``sending`` with the outbox's lease), so that no other worker sends it meanwhile."""
    due = _skip_locked(select(Survey.id).where(Survey.status == SurveyStatus.SCHEDULED, Survey.due_at <= now)
                       .order_by(Survey.due_at).limit(limit))
    claimed = db.session.scalars(
        update(Survey).where(Survey.id.in_(due.scalar_subquery()), Survey.status == SurveyStatus.SCHEDULED)
        .values(status=SurveyStatus.SENDING).returning(Survey.id)
        .execution_options(synchronize_session=False)
    ).all()
    surveys = db.session.scalars(select(Survey).where(Survey.id.in_(claimed)).order_by(Survey.id)
                                 .execution_options(populate_existing=True)).all()
    rules, queued, lease = {}, [], now + CLAIM_LEASE
    for survey in surveys:
        program = survey.case.program
        if program.id not in rules:
            rules[program.id] = rules_for(program)
        message = _queue_question(survey, rules[program.id], totals)
        if message is not None:
            message.status, message.next_attempt_at = "sending", lease
            queued.append(_Queued(message.id, survey.id, lease, (message.from_number, message.to_number,
                                                                  message.body), program.timezone))
    db.session.flush()
    return queued


def _queue_question(survey: Survey, rules: SurveyRules, totals: DispatchTotals) -> Message | None:
    case, participant = survey.case, survey.participant
    if not participant.phone or participant.sms_opt_out:
        survey.status, survey.reason = SurveyStatus.CANCELLED, "no_phone" if not participant.phone else "opted_out"
        totals.cancelled += 1
        return None
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
    return message


def _deliver_one(item: _Queued, gateway, totals: DispatchTotals) -> None:
    """Send one claimed question; a lease about to run out (a slow gateway) is renewed first, or left to the
    worker that took over."""
    now = utcnow()
    expiring = now + timedelta(seconds=2 * current_app.config["TWILIO_TIMEOUT"]) >= item.claimed_until
    if expiring and not renew(item.message_id, item.claimed_until, now):
        return
    outcome = []
    deliver_claimed(item.message_id, gateway, text=item.text,
                    after=lambda message: outcome.append(follow_message(message, item.timezone)))
    if outcome == [SurveyStatus.SENT]:
        totals.sent += 1
    elif outcome == [SurveyStatus.FAILED]:
        totals.failed += 1
    else:
        totals.retry += 1


def release(items: list[_Queued]) -> None:
    """Give back claimed messages not sent yet: pending and due, for whichever worker comes next."""
    for item in items:
        db.session.execute(update(Message).where(Message.id == item.message_id, Message.status == "sending",
                                                 Message.next_attempt_at == item.claimed_until)
                           .values(status="pending", next_attempt_at=utcnow())
                           .execution_options(synchronize_session=False))
    db.session.commit()


def follow_message(message: Message, timezone: str | None = None) -> SurveyStatus | None:
    """In the transaction that recorded a delivery attempt: the survey the message carries takes its outcome."""
    survey = db.session.scalar(select(Survey).where(Survey.message_id == message.id).options(lazyload("*")))
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
    """Sent now: counted on the dashboard on the program's local day."""
    survey.status, survey.sent_at = SurveyStatus.SENT, now
    survey.sent_day = now.astimezone(ZoneInfo(timezone)).date()
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
        message = db.session.get(Message, survey.message_id)
        _take_outcome(survey, message, now, message.program.timezone)
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
