from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db


class ImportProfile(db.Model):
    """How a program's files of one kind are read: which column is which field (by header text) and what
    their status words mean. Saved when a manager confirms an import, offered for the next file."""

    __tablename__ = "import_profiles"
    __table_args__ = (UniqueConstraint("program_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    kind: Mapped[str] = mapped_column(String(16))
    columns: Mapped[dict] = mapped_column(JSON, default=dict)  # header text -> field ("" ignores the column)
    choices: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> {word in the file: value}
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
