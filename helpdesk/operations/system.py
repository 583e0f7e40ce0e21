"""What the System page shows an admin: workers, outbox, parked texts, statistics, versions, the /readyz checks."""

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.labels import set_value_labels
from helpdesk.operations import health
from helpdesk.operations.models import WorkerHeartbeat
from helpdesk.telephony.models import Message

WORKERS_SHOWN = 20
PACKAGES = ("Flask", "SQLAlchemy", "alembic", "gunicorn", "twilio", "prometheus-client")


@dataclass(frozen=True)
class SystemState:
    now: datetime
    workers: list[WorkerHeartbeat]
    outbox: health.Outbox
    parked_texts: int
    statistics_at: datetime | None
    versions: dict[str, str]
    checks: list[health.Check]


def system_state() -> SystemState:
    now = utcnow()
    checks = health.readiness(now)
    workers = list(db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc())
                                      .limit(WORKERS_SHOWN)))
    parked = db.session.scalar(select(func.count()).where(Message.status == "failed", Message.direction == "inbound"))
    return SystemState(now, workers, health.outbox(now), parked, statistics_refreshed(), versions(), checks)


def statistics_refreshed() -> datetime | None:
    """When the query planner's statistics were last refreshed: the worker's ANALYZE on SQLite, autovacuum's
    (or a manual) ANALYZE on PostgreSQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        return db.session.scalar(select(func.max(WorkerHeartbeat.statistics_at)))
    return db.session.scalar(text("SELECT max(greatest(last_analyze, last_autoanalyze)) FROM pg_stat_user_tables"))


# The rows of the readiness and versions tables, in the viewer's language.
set_value_labels("system_row", {"database": _l("database"), "schema": _l("schema"), "worker": _l("worker"),
                                "outbox": _l("outbox"), "app": _l("app"), "newest migration": _l("newest migration")})


def versions() -> dict[str, str]:
    schema = health.schema(db.session.connection())
    return {"app": app_version(), "Python": platform.python_version(), "database": health.server_version(),
            "schema": ", ".join(schema.current) or "empty", "newest migration": ", ".join(schema.heads),
            **{name: version(name) for name in PACKAGES}}


def app_version() -> str:
    """HELPDESK_VERSION when the deployment sets it, else the git commit of the code (read once)."""
    found = current_app.extensions.get("app_version")
    if found is None:
        found = os.environ.get("HELPDESK_VERSION") or _git_commit() or "unknown"
        current_app.extensions["app_version"] = found
    return found


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=current_app.root_path,
                              capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
