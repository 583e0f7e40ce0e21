"""A participant's texts to their survey: the score (or one re-ask), then one comment.

``take_reply`` is consulted when an incoming text from a known participant is filed (not for opt-out words;
see :func:`helpdesk.telephony.sms.file_message`) and returns False for texts it leaves to the ordinary SMS
filing, which puts them before an agent. While the question is open:

- a reply with a score (:func:`~helpdesk.surveys.replies.parse_reply`) answers it; the rest of the text is the
  comment, the raw reply is kept beside the score. When the reply also asks something ("4, but where is my
  parcel?") the answer is recorded *and* the text is left to the filing, so an agent sees the question.
- a short reply with no score (up to ``RE_ASK_MAX_WORDS`` words, no question: "hmm", "🎉", "?") gets the one
  re-ask. A question, a longer text with no rating, or anything without a score after the re-ask is left to
  the filing: nobody is told "we did not understand" twice. Each reply without a score counts as not
  understood on the dashboard.

In the comment window (after the score, when the score came alone) the next text is the comment, thanked
with the comment thanks; a comment that asks something is recorded too but left to the filing instead of
thanked, so an agent answers it.

The answers back (the re-ask, the thanks) are recorded in the SMS outbox in the filing's transaction and sent
by the worker, so filing never waits on the gateway. A text is filed once, however often Twilio delivers it."""

from contextlib import suppress
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from helpdesk.cases.services import log_activity
from helpdesk.database import lock_row, utcnow
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.operations import metrics
from helpdesk.participants.models import Participant
from helpdesk.surveys.dispatch import mark_sent
from helpdesk.surveys.models import SCALES, FollowUp, Survey, SurveyEvent, SurveyStatus
from helpdesk.surveys.replies import parse_reply
from helpdesk.surveys.scheduling import SURVEYS
from helpdesk.surveys.settings import rules_for
from helpdesk.surveys.stats import count_answer, count_unclear
from helpdesk.surveys.texts import survey_text
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms
from helpdesk.telephony.sms import keyword

RE_ASK_MAX_WORDS = 3
TWILIO_OPT_OUT_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}


def take_reply(message: Message, *, now: datetime | None = None) -> bool:
    """Handle ``message`` as a survey answer or comment. False leaves it to the ordinary filing, for an agent: no
    survey of the sender is waiting, the text holds no score (after the one re-ask, or it is a question or a
    longer text), or it asks something besides its score or comment (recorded, and filed too)."""
    now = now or utcnow()
    participant_id = message.participant_id
    survey = open_survey(participant_id, now)
    if survey is not None and lock_row(Survey, Survey.id == survey.id).status in (SurveyStatus.SENT,
                                                                                 SurveyStatus.SENDING):
        return _take_score(survey, message, now)
    survey = awaiting_comment(participant_id, now)
    if survey is not None:
        return _take_comment(survey, message, now)
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
    reply = parse_reply(message.body, survey.scale)
    if survey.status == SurveyStatus.SENDING:
        mark_sent(survey, now, survey.case.program.timezone)  # delivered; no dispatcher pass has marked it yet
    case = survey.case
    if reply.score is None:
        survey.unclear_replies += 1
        count_unclear(survey)
        if survey.re_asked or (reply.asks and reply.words) or reply.words > RE_ASK_MAX_WORDS:
            return False  # for an agent
        _attach(message, survey)
        survey.re_asked = True
        log_activity(case, SurveyEvent.SURVEY_UNCLEAR, actor=SURVEYS, body=message.body, message_id=message.id)
        _answer(survey, "re_ask")
        return True
    _attach(message, survey)
    survey.status, survey.score, survey.answered_at = SurveyStatus.ANSWERED, reply.score, now
    survey.raw_reply, survey.needs_review = message.body.replace("\x00", ""), reply.needs_review
    if reply.comment:
        survey.comment, survey.comment_at = reply.comment, now
    db.session.flush()
    count_answer(survey)
    metrics.SURVEYS.labels("answered").inc()
    log_activity(case, SurveyEvent.SURVEY_ANSWERED, actor=SURVEYS, body=message.body, score=reply.score,
                 scale=survey.scale, message_id=message.id)
    if reply.score <= SCALES[survey.scale].recovery_at:
        survey.follow_up = FollowUp.OPEN
        log_activity(case, SurveyEvent.SERVICE_RECOVERY, actor=SURVEYS, score=reply.score, scale=survey.scale)
    _answer(survey, "comment_thanks" if reply.comment else "thanks")
    return not reply.asks


def _take_comment(survey: Survey, message: Message, now: datetime) -> bool:
    _attach(message, survey)
    survey.comment, survey.comment_at = message.body.replace("\x00", ""), now
    log_activity(survey.case, SurveyEvent.SURVEY_COMMENT, actor=SURVEYS, body=survey.comment, score=survey.score,
                 scale=survey.scale, message_id=message.id)
    if parse_reply(message.body).asks:
        return False  # recorded, and for an agent to answer
    _answer(survey, "comment_thanks")
    return True


def _attach(message: Message, survey: Survey) -> None:
    """The reply belongs to the surveyed case's SMS thread."""
    message.case_id = survey.case_id
    db.session.flush()


def _answer(survey: Survey, key: str) -> None:
    participant, case = survey.participant, survey.case
    own = rules_for(case.program).text(survey.locale, key)
    body = survey_text(survey.locale, key, survey.scale, own, case=case.number, program=case.program.name)
    with suppress(Conflict, ValidationError):  # opted out or no phone now: the answer counts, no text back
        send_sms(case.program, participant.phone, body, actor=SURVEYS, case=case, participant=participant)


def confirm_opt_out(participant: Participant, *, now: datetime | None = None) -> None:
    """An opt-out word sent to an open survey (its question or its comment window) is confirmed once, in the
    survey's language, with the program's opt-out text. Not after Twilio's own words: Twilio confirms those
    itself and blocks whatever comes after. The confirmation is sent without the participant (whose opt-out
    would refuse it), on the surveyed case."""
    now = now or utcnow()
    survey = open_survey(participant.id, now) or awaiting_comment(participant.id, now)
    if survey is None or keyword(_latest_text(participant) or "") in TWILIO_OPT_OUT_WORDS:
        return
    case = survey.case
    own = rules_for(case.program).text(survey.locale, "opt_out")
    body = survey_text(survey.locale, "opt_out", survey.scale, own, case=case.number, program=case.program.name)
    with suppress(ValidationError):  # no phone any more
        send_sms(case.program, participant.phone, body, actor=SURVEYS, case=case)


def _latest_text(participant: Participant) -> str | None:
    return db.session.scalar(select(Message.body).where(Message.participant_id == participant.id,
                                                        Message.direction == "inbound")
                             .order_by(Message.id.desc()).limit(1))
