"""How the deployment is: the database and its schema, the workers' heartbeats, the outbox. Read by ``/readyz``,
``/metrics``, the System page and the start of ``gunicorn`` and ``flask worker``.

Reads only: each is one small query on an index (``worker_heartbeats.beat_at``, ``messages (status,
next_attempt_at)``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from helpdesk.database import unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.operations.models import WorkerHeartbeat
from helpdesk.telephony.delivery import CLAIMABLE
from helpdesk.telephony.models import Message

WORKER_SILENT_AFTER = timedelta(minutes=2)
OUTBOX_LATE_AFTER = timedelta(minutes=5)
UPGRADE = "flask --app wsgi db upgrade"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Schema:
    """The database's Alembic revisions against this code's newest (``heads``)."""

    current: tuple[str, ...]
    heads: tuple[str, ...]
    known: bool  # every current revision is one of this code's

    @property
    def status(self) -> str:
        if set(self.current) == set(self.heads):
            return "current"
        return "behind" if self.known else "ahead"

    def problem(self) -> str | None:
        """One line for an operator, or None when the schema is this code's."""
        current, heads = ", ".join(self.current) or "empty", ", ".join(self.heads)
        if self.status == "behind":
            return f"the database schema ({current}) is older than this version of the app ({heads}): run `{UPGRADE}`"
        if self.status == "ahead":
            return (f"the database schema ({current}) is newer than this version of the app ({heads}): run the "
                    "version of the app that migrated it")
        return None


def _scripts() -> ScriptDirectory:
    scripts = current_app.extensions.get("alembic_scripts")
    if scripts is None:
        config = AlembicConfig()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        scripts = current_app.extensions["alembic_scripts"] = ScriptDirectory.from_config(config)
    return scripts


def schema(connection) -> Schema:
    scripts = _scripts()
    current = ()
    if inspect(connection).has_table("alembic_version"):  # read directly: alembic's context logs each time
        current = tuple(sorted(connection.scalars(text("SELECT version_num FROM alembic_version"))))
    known = {revision.revision for revision in scripts.walk_revisions()}
    return Schema(current, tuple(sorted(scripts.get_heads())), all(rev in known for rev in current))


def database_problem() -> str | None:
    """Why this process cannot work with its database (unreachable, or a schema not this code's), in one line
    that names ``DATABASE_URL``; None when it can."""
    url = db.engine.engine.url.render_as_string(hide_password=True)
    try:
        with unit_of_work() as session:
            problem = schema(session.connection()).problem()
    except DBAPIError as error:
        return f"DATABASE_URL: cannot reach the database at {url}: {failure_reason(error)}"
    return f"DATABASE_URL ({url}): {problem}" if problem else None


def failure_reason(error: DBAPIError) -> str:
    """The first line of what the database driver said."""
    lines = str(error.orig or type(error).__name__).strip().splitlines()
    return lines[0] if lines else type(error.orig).__name__


def last_beat() -> datetime | None:
    return db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))


def worker_silent(now: datetime | None = None) -> bool:
    """No worker has beaten within ``WORKER_SILENT_AFTER`` (the staff pages' banner)."""
    beat = last_beat()
    return beat is None or (now or utcnow()) - beat > WORKER_SILENT_AFTER


@dataclass(frozen=True)
class Outbox:
    waiting: int  # pending or sending, due or not (backoff)
    due: int
    oldest_due: datetime | None

    def age(self, now: datetime) -> timedelta:
        return now - self.oldest_due if self.oldest_due else timedelta(0)


def outbox(now: datetime) -> Outbox:
    claimable = Message.status.in_(CLAIMABLE)
    waiting = db.session.scalar(select(func.count()).where(claimable))
    due, oldest = db.session.execute(select(func.count(), func.min(Message.next_attempt_at))
                                     .where(claimable, Message.next_attempt_at <= now)).one()
    return Outbox(waiting, due, oldest)


def readiness(now: datetime | None = None) -> list[Check]:
    """The checks of ``/readyz``: database, schema, worker, outbox; after a database failure the rest fail."""
    now = now or utcnow()
    try:
        database = Check("database", True, server_version())
        state = schema(db.session.connection())
    except DBAPIError as error:
        db.session.rollback()
        unreachable = _("the database cannot be reached")
        return [Check("database", False, failure_reason(error))] + [Check(name, False, unreachable)
                                                     for name in ("schema", "worker", "outbox")]
    schema_check = Check("schema", state.status == "current", state.problem() or ", ".join(state.current))
    if not schema_check.ok:  # the tables read next may not be there
        return [database, schema_check] + [Check(name, False, _("the schema is not this version's"))
                                           for name in ("worker", "outbox")]
    return [database, schema_check, _worker_check(now), _outbox_check(now)]


def _worker_check(now: datetime) -> Check:
    beat = last_beat()
    if beat is None:
        return Check("worker", False, _("no worker has ever run: start `flask --app wsgi worker`"))
    seconds = int((now - beat).total_seconds())
    return Check("worker", now - beat <= WORKER_SILENT_AFTER, _("last heartbeat %(seconds)s s ago", seconds=seconds))


def _outbox_check(now: datetime) -> Check:
    state = outbox(now)
    age = int(state.age(now).total_seconds())
    return Check("outbox", state.age(now) < OUTBOX_LATE_AFTER,
                 _("%(due)s texts due, the oldest waiting %(age)s s", due=state.due, age=age))


def server_version() -> str:
    """The database server's name and version (a query: it also proves the database answers)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return "SQLite " + db.session.scalar(text("SELECT sqlite_version()"))
    return "PostgreSQL " + db.session.scalar(text("SHOW server_version"))
