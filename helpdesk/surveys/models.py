"""Satisfaction surveys: one row per resolved case, each program's survey settings, and the daily figures."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.auth.models import User
from helpdesk.cases.models import Case
from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program

SCORES = (1, 2, 3, 4, 5)
LOW_SCORES = (1, 2)  # a service-recovery follow-up for the program manager
SATISFIED = 4  # CSAT counts the 4s and 5s


class SurveyStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # waiting for due_at (the outbox of surveys)
    SKIPPED = "skipped"  # never to be sent; ``reason`` says why
    CANCELLED = "cancelled"  # was scheduled; the case was reopened or the participant opted out
    SENDING = "sending"  # its text is in the SMS outbox, not yet accepted by the gateway
    SENT = "sent"  # accepted by the gateway; open for a score until it expires
    FAILED = "failed"  # the gateway refused it for good
    ANSWERED = "answered"
    EXPIRED = "expired"  # sent, never answered in time


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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(24))
    # The call-script version run on the case ("Title v3"), when the call-scripts feature recorded one.
    script_version: Mapped[str | None] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[SurveyStatus] = mapped_column(_enum(SurveyStatus))
    reason: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_day: Mapped[date | None] = mapped_column(Date)
    score: Mapped[int | None] = mapped_column(SmallInteger)
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
    questions: Mapped[dict] = mapped_column(JSON, default=dict)  # locale -> question text with {case}
    target: Mapped[float | None]  # the average score aimed at; None: the scale's default (DEFAULT_TARGET)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship()


class SurveyDay(db.Model):
    """Running totals of one program-local day of sending, per dimension, kept in step with the surveys.

    ``dimension`` is ``all`` (key ""), ``agent`` (key: user id, "" unassigned), ``category`` or ``script``
    (key: script version, "" none). Counts change in the transaction that sends or answers a survey; the
    dashboard sums at most a year of days instead of scanning a million surveys. Derived data: ``flask
    surveys rebuild-stats`` recomputes it from the surveys.
    """

    __tablename__ = "survey_days"
    __table_args__ = (UniqueConstraint("program_id", "dimension", "day", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(120))
    sent: Mapped[int] = mapped_column(default=0)
    responses: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[int] = mapped_column(default=0)
    score_1: Mapped[int] = mapped_column(default=0)
    score_2: Mapped[int] = mapped_column(default=0)
    score_3: Mapped[int] = mapped_column(default=0)
    score_4: Mapped[int] = mapped_column(default=0)
    score_5: Mapped[int] = mapped_column(default=0)
