from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db

ERASED = "[erased]"  # what replaces an erased name, number, message body, transcription or note


class RecordingDeletion(db.Model):
    """A call recording to delete at Twilio (an erasure or the retention purge took its link off the call).
    Kept until Twilio confirms; the worker retries those left (``deleted_at`` NULL, ``next_attempt_at`` due)."""

    __tablename__ = "recording_deletions"
    __table_args__ = (
        Index("ix_recording_deletions_due", "deleted_at", "next_attempt_at"),
        Index("ix_recording_deletions_participant", "participant_id", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))  # an erasure's, if one
    reason: Mapped[str] = mapped_column(String(16))  # erasure | retention
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(255))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ErasedPhone(db.Model):
    """The keyed hash (HMAC-SHA-256 with SECRET_KEY) of an erased participant's phone, kept only when they had
    opted out of SMS: the loyalty platform's sync may not create a participant with that number again."""

    __tablename__ = "erased_phones"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
