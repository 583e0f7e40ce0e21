"""The weekly report e-mails: one row per program, recipient and week, claimed like the SMS outbox."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.auth.models import User
from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # due at next_attempt_at (a retry after a failure, too)
    SENDING = "sending"  # claimed by a worker until next_attempt_at; due again when that lease runs out
    SENT = "sent"
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS
    SKIPPED = "skipped"  # never to be sent: the recipient has no usable e-mail address


class WeeklyReportMail(db.Model):
    """The weekly report of ``week`` (its Monday, program-local) for one manager of one program.

    The unique constraint makes "once per recipient and week" hold with any number of workers: each inserts the
    week's rows and the one that loses the race inserts nothing; a row is sent by the worker holding its claim.
    """

    __tablename__ = "weekly_report_mails"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id", "week"),
        Index("ix_weekly_report_mails_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    week: Mapped[date] = mapped_column(Date)
    status: Mapped[MailStatus] = mapped_column(
        db.Enum(MailStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_to: Mapped[str | None] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program] = relationship()
    user: Mapped[User] = relationship()
