"""A program's conversation settings: how long a resolved case takes texts back, and which automatic texts the
participants get; and its canned replies, the ready-made texts agents insert into a reply."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES

DEFAULT_REOPEN_DAYS = 7
DEFAULT_SURVEY_WAIT_DAYS = 14


class ConversationSettings(db.Model):
    """A missing row means the defaults: everything on, a 7-day reopen window, surveys wait 14 days at most."""

    __tablename__ = "conversation_settings"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    # A text to a case resolved at most this many days ago reopens it; later, or 0, a new case is opened.
    reopen_days: Mapped[int] = mapped_column(default=DEFAULT_REOPEN_DAYS)
    # The languages in which a text that opens a case is acknowledged.
    acknowledge: Mapped[list] = mapped_column(JSON, default=lambda: list(LOCALES))
    notify_shipped: Mapped[bool] = mapped_column(default=True)
    notify_reshipped: Mapped[bool] = mapped_column(default=True)
    notify_delivered: Mapped[bool] = mapped_column(default=True)
    # A reward-delivery case's survey waits for the order to be delivered, at most this many days.
    survey_wait_days: Mapped[int] = mapped_column(default=DEFAULT_SURVEY_WAIT_DAYS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CannedReply(db.Model):
    """A ready-made SMS reply of a program in one language; its body may hold merge fields
    (``{{ participant.first_name }}``), filled in for the case when an agent picks it."""

    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("program_id", "language", "title"),)  # also the index of a program's

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))  # of LOCALES
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
