"""A participant's texts to their survey: the score (or one re-ask), then one comment.

``take_reply`` is consulted when an incoming text from a known participant is filed (not for opt-out words;
see :func:`helpdesk.telephony.sms.file_message`) and returns False for texts it leaves to the ordinary SMS
handling. The answers back (the re-ask, the thanks) are recorded in the SMS outbox in the filing's
transaction and sent by the worker, so filing never waits on the gateway. A text is filed once, however
often Twilio delivers it."""

from contextlib import suppress
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from helpdesk.cases.services import log_activity
from helpdesk.database import lock_row, utcnow
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.operations import metrics
from helpdesk.surveys.dispatch import mark_sent
from helpdesk.surveys.models import LOW_SCORES, FollowUp, Survey, SurveyEvent, SurveyStatus
from helpdesk.surveys.replies import parse_score
from helpdesk.surveys.scheduling import SURVEYS
from helpdesk.surveys.stats import count_answer
from helpdesk.surveys.texts import survey_text
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms


def take_reply(message: Message, *, now: datetime | None = None) -> bool:
    """Handle ``message`` as a survey answer or comment; False when no survey of the sender is waiting for it."""
    now = now or utcnow()
    participant_id = message.participant_id
    survey = open_survey(participant_id, now)
    if survey is not None and lock_row(Survey, Survey.id == survey.id).status in (SurveyStatus.SENT,
                                                                                 SurveyStatus.SENDING):
        return _take_score(survey, message, now)
    survey = awaiting_comment(participant_id, now)
    if survey is not None:
        _take_comment(survey, message, now)
        return True
    return False


def _by_id(query) -> Survey | None:
    """Most texts come with no survey waiting: ask for the id alone, and load the survey only when there is one."""
    survey_id = db.session.scalar(query)
    return db.session.get(Survey, survey_id) if survey_id is not None else None


def open_survey(participant_id: int, now: datetime) -> Survey | None:
    """The participant's latest survey the gateway accepted, unanswered and inside the reply window."""
    window = timedelta(hours=current_app.config["SURVEY_REPLY_HOURS"])
    return _by_id(
        select(Survey.id).join(Message, Message.id == Survey.message_id)
        .where(Survey.participant_id == participant_id,
               Survey.status.in_((SurveyStatus.SENT, SurveyStatus.SENDING)),
               Message.message_sid.is_not(None),
               func.coalesce(Survey.sent_at, Message.created_at) >= now - window)
        .order_by(Survey.id.desc()).limit(1))


def awaiting_comment(participant_id: int, now: datetime) -> Survey | None:
    window = timedelta(hours=current_app.config["SURVEY_COMMENT_HOURS"])
    return _by_id(
        select(Survey.id).where(Survey.participant_id == participant_id, Survey.status == SurveyStatus.ANSWERED,
                             Survey.comment_at.is_(None), Survey.answered_at >= now - window)
        .order_by(Survey.id.desc()).limit(1))


def _take_score(survey: Survey, message: Message, now: datetime) -> bool:
    score = parse_score(message.body)
    if score is None and survey.re_asked:
        return False  # asked once already: an ordinary text now
    if survey.status == SurveyStatus.SENDING:
        mark_sent(survey, now, survey.case.program.timezone)  # delivered; no dispatcher pass has marked it yet
    _attach(message, survey)
    case = survey.case
    if score is None:
        survey.re_asked = True
        log_activity(case, SurveyEvent.SURVEY_UNCLEAR, actor=SURVEYS, body=message.body, message_id=message.id)
        _answer(survey, "re_ask")
        return True
    survey.status, survey.score, survey.answered_at = SurveyStatus.ANSWERED, score, now
    db.session.flush()
    count_answer(survey)
    metrics.SURVEYS.labels("answered").inc()
    log_activity(case, SurveyEvent.SURVEY_ANSWERED, actor=SURVEYS, body=message.body, score=score,
                 message_id=message.id)
    if score in LOW_SCORES:
        survey.follow_up = FollowUp.OPEN
        log_activity(case, SurveyEvent.SERVICE_RECOVERY, actor=SURVEYS, score=score)
    _answer(survey, "thanks")
    return True


def _take_comment(survey: Survey, message: Message, now: datetime) -> None:
    _attach(message, survey)
    survey.comment, survey.comment_at = message.body.replace("\x00", ""), now
    log_activity(survey.case, SurveyEvent.SURVEY_COMMENT, actor=SURVEYS, body=survey.comment, score=survey.score,
                 message_id=message.id)


def _attach(message: Message, survey: Survey) -> None:
    """The reply belongs to the surveyed case's SMS thread."""
    message.case_id = survey.case_id
    db.session.flush()


def _answer(survey: Survey, key: str) -> None:
    participant, case = survey.participant, survey.case
    body = survey_text(survey.locale, key, case=case.number, program=case.program.name)
    with suppress(Conflict, ValidationError):  # opted out or no phone now: the answer counts, no text back
        send_sms(case.program, participant.phone, body, actor=SURVEYS, case=case, participant=participant)
