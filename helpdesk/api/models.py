from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program


class ApiToken(db.Model):
    """A bearer token for API v1. Only its SHA-256 is stored; a program-scoped token sees that program only.
    It works until it expires or is revoked, whichever comes first."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    program: Mapped[Program | None] = relationship(lazy="joined")

    def state(self, now: datetime) -> str:
        """"revoked", "expired" or "active", as the token lists show it."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    @property
    def display_name(self) -> str:
        return f"API: {self.name}"

    def visible_program_ids(self) -> set[int] | None:
        return None if self.program_id is None else {self.program_id}
