"""The workers' heartbeats: each ``flask worker`` process has a row, beaten while its loop runs; the rows of
workers silent for ``KEPT`` are deleted when a worker starts. Services only flush; the worker commits."""

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.operations.models import WorkerHeartbeat

KEPT = timedelta(days=7)


def start_heartbeat(now: datetime | None = None) -> WorkerHeartbeat:
    now = now or utcnow()
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - KEPT))
    heartbeat = WorkerHeartbeat(host=socket.gethostname()[:255], pid=os.getpid(), started_at=now, beat_at=now)
    db.session.add(heartbeat)
    db.session.flush()
    return heartbeat


def beat(heartbeat_id: int, jobs_done: int, *, statistics_at: datetime | None = None,
         stopped: bool = False) -> None:
    now = utcnow()
    values = {"beat_at": now, "jobs_done": jobs_done}
    if statistics_at is not None:
        values["statistics_at"] = statistics_at
    if stopped:
        values["stopped_at"] = now
    db.session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.id == heartbeat_id).values(**values)
                       .execution_options(synchronize_session=False))
