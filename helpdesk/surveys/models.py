"""Satisfaction surveys: one row per resolved case, each program's survey settings, and the daily figures."""

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.auth.models import User
from helpdesk.cases.models import Case
from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.labels import Labelled, set_labels
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program


@dataclass(frozen=True)
class Scale:
    """A program's rating scale: 1 to 5 (the default) or 0 to 10."""

    top: int  # 5 or 10: the scale's name and its highest score
    low: int
    satisfied: int  # CSAT counts the scores from here up: 4-5 on 1-5, 9-10 on 0-10
    recovery_at: int  # a score up to here opens a service-recovery follow-up: 1-2 or 0-4

    @property
    def scores(self) -> range:
        return range(self.low, self.top + 1)

    @property
    def label(self) -> str:
        return f"{self.low}–{self.top}"


SCALES = {5: Scale(5, 1, 4, 2), 10: Scale(10, 0, 9, 4)}
ALL_SCORES = range(0, 11)  # the daily totals keep a count for every score of either scale
PROMOTERS, DETRACTORS = 9, 6  # NPS on 0-10: promoters 9-10 minus detractors 0-6


class SurveyStatus(Labelled, enum.StrEnum):
    SCHEDULED = "scheduled"  # waiting for due_at (the outbox of surveys)
    SKIPPED = "skipped"  # never to be sent; ``reason`` says why
    CANCELLED = "cancelled"  # was scheduled; the case was reopened or the participant opted out
    SENDING = "sending"  # its text is in the SMS outbox, not yet accepted by the gateway
    SENT = "sent"  # accepted by the gateway; open for a score until it expires
    FAILED = "failed"  # the gateway refused it for good
    ANSWERED = "answered"
    EXPIRED = "expired"  # sent, never answered in time


set_labels(SurveyStatus, {
    SurveyStatus.SCHEDULED: _l("Scheduled"), SurveyStatus.SKIPPED: _l("Skipped"),
    SurveyStatus.CANCELLED: _l("Cancelled"), SurveyStatus.SENDING: _l("Sending"), SurveyStatus.SENT: _l("Sent"),
    SurveyStatus.FAILED: _l("Not sent"), SurveyStatus.ANSWERED: _l("Answered"), SurveyStatus.EXPIRED: _l("Expired")},
    stored_as="survey_status")


class FollowUp(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


def _enum(enum_class):
    return db.Enum(enum_class, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class SurveyEvent(enum.StrEnum):
    """Timeline entries of surveys and their follow-ups. Shown by cases/events/<value>.html."""

    SURVEY_ANSWERED = "survey_answered"
    SURVEY_UNCLEAR = "survey_unclear"
    SURVEY_COMMENT = "survey_comment"
    SERVICE_RECOVERY = "service_recovery"
    SERVICE_RECOVERY_DONE = "service_recovery_done"


class Survey(db.Model):
    """The one-question SMS survey after a resolved case, from scheduling to the participant's comment.

    Agent, category and script version are those at resolution, so the figures keep who and what they were about.
    ``sent_day`` is the program-local date it was sent: the day its figures count on (see :class:`SurveyDay`).
    """

    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_status_due", "status", "due_at"),
        Index("ix_surveys_case_id", "case_id", "id"),
        Index("ix_surveys_participant_id", "participant_id", "id"),
        Index("ix_surveys_program_sent_day", "program_id", "sent_day"),
        Index("ix_surveys_agent_answered", "agent_id", "answered_at"),
        Index("ix_surveys_follow_up", "follow_up", "program_id", "id"),
        # The dashboard filtered by category or by agent (helpdesk.reports.slices) reads its figures and latest
        # comments from these alone: a year of one category is one range of the index, in the days' order.
        Index("ix_surveys_program_category_day", "program_id", "category", "sent_day", "score", "scale", "agent_id",
              "script_version", "unclear_replies", "comment_at"),
        Index("ix_surveys_program_agent_day", "program_id", "agent_id", "sent_day", "score", "scale", "category",
              "script_version", "unclear_replies", "comment_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(24))
    # The call-script version run on the case ("Title v3"), when the call-scripts feature recorded one.
    script_version: Mapped[str | None] = mapped_column(String(120))
    # The reward names and vendors of the case's orders when sent ({"reward": [...], "vendor": [...]}), None
    # without orders: the keys its answer is counted under too, whatever is linked to the case later.
    order_keys: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[SurveyStatus] = mapped_column(_enum(SurveyStatus))
    reason: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_day: Mapped[date | None] = mapped_column(Date)
    # The scale the question asked (5: 1-5, 10: 0-10), the score on it, and the reply it was read from.
    scale: Mapped[int] = mapped_column(SmallInteger, default=5, server_default="5")
    score: Mapped[int | None] = mapped_column(SmallInteger)
    raw_reply: Mapped[str | None] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    unclear_replies: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")  # no score read
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    re_asked: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str | None] = mapped_column(Text)
    comment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up: Mapped[FollowUp | None] = mapped_column(_enum(FollowUp))
    follow_up_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_done_by: Mapped[str | None] = mapped_column(String(120))
    follow_up_note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    participant: Mapped[Participant | None] = relationship()
    agent: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Survey {self.id} case={self.case_id} {self.status}>"


# The dashboard's latest comments, low scores first: a walk of the commented surveys only, stopping after a page.
_commented = Survey.comment_at.is_not(None)
Index("ix_surveys_program_comments", Survey.program_id, Survey.score, Survey.comment_at.desc(),
      sqlite_where=_commented, postgresql_where=_commented)


class SurveySettings(db.Model):
    """A program's own survey rules; a missing row or an empty field means the SURVEY_* configuration."""

    __tablename__ = "survey_settings"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    delay_minutes: Mapped[int | None]
    quiet_hours: Mapped[str | None] = mapped_column(String(11))  # "21:00-09:00"; "" for none
    fatigue_days: Mapped[int | None]
    scale: Mapped[int] = mapped_column(SmallInteger, default=5, server_default="5")
    texts: Mapped[dict] = mapped_column(JSON, default=dict)  # locale -> text key -> the program's own text
    target: Mapped[float | None]  # the average score aimed at; None: the scale's default (DEFAULT_TARGET)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship()


class SurveyDay(db.Model):
    """Running totals of one program-local day of sending, per dimension, kept in step with the surveys.

    One row per scale too (a program that switches scales keeps the figures of both apart).
    ``dimension`` is ``all`` (key ""), ``agent`` (key: user id, "" unassigned), ``category``, ``script``
    (key: script version, "" none), ``reward`` or ``vendor`` (key: a reward name or a vendor, "" none, of the
    orders linked to the case when the survey was sent: a survey counts under each, and under none without
    orders); the pairs of :data:`helpdesk.surveys.stats.PAIRS` (``reward_agent``...) also hold the other
    dimension's key in ``pair_key`` ("" elsewhere). Counts change in the transaction that sends or answers a survey; the
    dashboard sums at most a year of days instead of scanning a million surveys. Derived data: ``flask
    surveys rebuild-stats`` recomputes it from the surveys.
    """

    __tablename__ = "survey_days"
    __table_args__ = (UniqueConstraint("program_id", "dimension", "day", "key", "pair_key", "scale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(200))  # as long as a reward name
    pair_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    scale: Mapped[int] = mapped_column(SmallInteger, default=5, server_default="5")
    sent: Mapped[int] = mapped_column(default=0)
    responses: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[int] = mapped_column(default=0)
    unclear: Mapped[int] = mapped_column(default=0, server_default="0")  # replies no score was read from
    score_0: Mapped[int] = mapped_column(default=0, server_default="0")
    score_1: Mapped[int] = mapped_column(default=0)
    score_2: Mapped[int] = mapped_column(default=0)
    score_3: Mapped[int] = mapped_column(default=0)
    score_4: Mapped[int] = mapped_column(default=0)
    score_5: Mapped[int] = mapped_column(default=0)
    score_6: Mapped[int] = mapped_column(default=0, server_default="0")
    score_7: Mapped[int] = mapped_column(default=0, server_default="0")
    score_8: Mapped[int] = mapped_column(default=0, server_default="0")
    score_9: Mapped[int] = mapped_column(default=0, server_default="0")
    score_10: Mapped[int] = mapped_column(default=0, server_default="0")
