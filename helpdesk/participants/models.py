from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.database import UTCDateTime, search_key, utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program


class Participant(db.Model):
    """A member of a loyalty program, as known to the loyalty platform (``external_id``)."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("program_id", "external_id"),
        Index("ix_participants_phone", "phone"),
        Index("ix_participants_email", "email"),
        Index("ix_participants_last_name_key", "last_name_key", "first_name_key"),
        Index("ix_participants_first_name_key", "first_name_key", "last_name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    external_id: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    first_name_key: Mapped[str] = mapped_column(search_key())
    last_name_key: Mapped[str] = mapped_column(search_key())
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    points_balance: Mapped[int] = mapped_column(default=0)
    sms_opt_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set by the erasure, which leaves this row as an anonymous stand-in that cases and orders still point to.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Not eager: nested inside a case's outer join it made SQLite materialise every participant. A lazy
    # many-to-one load finds the program in the session's identity map (case pages load it already).
    program: Mapped[Program] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<Participant {self.external_id}>"
