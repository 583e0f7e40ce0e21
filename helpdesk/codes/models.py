"""The codes register: product or promotion codes participants send in, and what became of each."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.labels import Labelled, set_labels
from helpdesk.participants.models import Participant


class CodeStatus(Labelled, enum.StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    BLOCKED = "blocked"


set_labels(CodeStatus, {CodeStatus.VALID: _l("Valid"), CodeStatus.USED: _l("Used"), CodeStatus.EXPIRED: _l("Expired"),
                        CodeStatus.BLOCKED: _l("Blocked")})


class CodeEvent(enum.StrEnum):
    """Timeline entries of the codes feature. Shown by cases/events/<value>.html."""

    CODE_RECORDED = "code_recorded"


class Code(db.Model):
    """A code of a program. ``key`` is the value compared: upper-cased without white space, unique per program,
    so "ab12 cd" and "AB12CD" are one code (``value`` keeps it as it was first given)."""

    __tablename__ = "codes"
    __table_args__ = (UniqueConstraint("program_id", "key"), Index("ix_codes_participant", "participant_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    value: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    status: Mapped[CodeStatus] = mapped_column(
        db.Enum(CodeStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    points: Mapped[int] = mapped_column(default=0)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant | None] = relationship()

    def __repr__(self) -> str:
        return f"<Code {self.value}>"


# The code a "code not accepted" case is about, as the caller gave it (it may be unknown to the register).
case_codes = Table(
    "case_codes",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("value", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False, default=utcnow),
)
