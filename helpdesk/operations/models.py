from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db


class WorkerHeartbeat(db.Model):
    """One row per ``flask worker`` process, beaten while its loop runs (:mod:`helpdesk.jobs.worker`)."""

    __tablename__ = "worker_heartbeats"
    __table_args__ = (Index("ix_worker_heartbeats_beat_at", "beat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    jobs_done: Mapped[int] = mapped_column(default=0)
    # SQLite's ANALYZE, run by the worker (PostgreSQL's autovacuum keeps its own times).
    statistics_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
