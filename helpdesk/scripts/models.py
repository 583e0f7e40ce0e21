"""Scripts, their immutable versions, and the runs of a version on a case."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.auth.models import User
from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program


class ScriptEvent(enum.StrEnum):
    """Timeline entries of script runs. Shown by cases/events/<value>.html."""

    SCRIPT_RUN = "script_run"
    CALLBACK_SCHEDULED = "callback_scheduled"


class Script(db.Model):
    """One script in one locale (``key`` + ``locale``, as in the file name ``<key>.<locale>.yaml``).

    Title, program, category and rank mirror the latest version, so suggesting a script is one indexed query.
    """

    __tablename__ = "call_scripts"
    __table_args__ = (
        UniqueConstraint("key", "locale"),
        Index("ix_call_scripts_category_locale", "category", "locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))  # None: every program
    category: Mapped[str] = mapped_column(String(24))
    rank: Mapped[int] = mapped_column(default=100)
    latest_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program | None] = relationship(lazy="joined")

    @property
    def program_label(self) -> str:
        return self.program.code if self.program else "all"

    def __repr__(self) -> str:
        return f"<Script {self.key}.{self.locale}>"


class ScriptVersion(db.Model):
    """An immutable version: the source text as written (file or editor) and its checked definition."""

    __tablename__ = "call_script_versions"
    __table_args__ = (UniqueConstraint("script_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("call_scripts.id", ondelete="CASCADE"))
    number: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    origin: Mapped[str] = mapped_column(String(16))  # "file" or "editor"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    script: Mapped[Script] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.script.title} v{self.number}"

    def __repr__(self) -> str:
        return f"<ScriptVersion {self.script_id} v{self.number}>"


class RunStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class ScriptRun(db.Model):
    """An agent working through one script version on a case: where they are, the path so far, the answers."""

    __tablename__ = "call_script_runs"
    __table_args__ = (
        Index("ix_call_script_runs_case_id", "case_id", "id"),
        Index("ix_call_script_runs_version_id", "version_id"),
        Index("ix_call_script_runs_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("call_script_versions.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.IN_PROGRESS.value)
    current_step: Mapped[str] = mapped_column(String(64))
    path: Mapped[list] = mapped_column(JSON, default=list)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[ScriptVersion] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<ScriptRun {self.id} case={self.case_id} {self.status}>"
