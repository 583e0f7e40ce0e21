from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db


class AuditEvent(db.Model):
    """Who did what to which record, when and from where: append-only (the app has no path that edits or deletes
    a row; participant erasure alone blanks the values of the erased person's changes, see helpdesk.privacy).

    ``actor_id`` and ``program_id`` carry no foreign key: the log outlives nothing it names and never blocks a
    change elsewhere. Every filter of the audit pages is one index range, newest first (``occurred_at``, then
    ``id``: SQLite appends the rowid to each index)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at", "id"),
        Index("ix_audit_events_program", "program_id", "occurred_at", "id"),
        Index("ix_audit_events_program_action", "program_id", "action", "occurred_at", "id"),
        Index("ix_audit_events_action", "action", "occurred_at", "id"),
        Index("ix_audit_events_actor", "actor_name", "occurred_at", "id"),
        Index("ix_audit_events_actor_action", "actor_name", "action", "occurred_at", "id"),
        Index("ix_audit_events_target", "target_type", "target_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(16))  # user | token | system | anonymous
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(254))  # a user's e-mail, a token's name, a job's name
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    program_id: Mapped[int | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    changes: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # field -> [old, new]
    details: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # file names, row counts, what a job did
