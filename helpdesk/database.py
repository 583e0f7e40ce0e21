"""Database plumbing shared by every feature: the transaction rule, SQLite settings and statistics, UTC
timestamps, small column types.

The transaction rule, the same on SQLite and PostgreSQL: every use case that may write runs in
``with unit_of_work():``, which opens a transaction that holds the write lock from its first statement
(``BEGIN IMMEDIATE`` on SQLite, queued on a process-shared lock so a waiting writer starts as soon as the lock
is free), and commits it (or rolls it back on an exception). Reads that decide nothing for the write (the
signed-in user, the form) happen before it; rendering the answer after it. "Only once" rests on unique
constraints (:func:`insert_or_ignore`) and row locks (:func:`lock_row`), never on an unlocked read.
"""

import enum
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import DateTime, SmallInteger, String, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from helpdesk.extensions import db

# How long a writer waits for SQLite's write lock: under the 15 s Twilio waits for a webhook's answer, so a
# lock held for seconds by another program (a backup, say) delays webhooks rather than fails them.
BUSY_TIMEOUT_SECONDS = 10.0


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, stored as UTC on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class IntEnumType(TypeDecorator):
    """Stores an IntEnum as a small integer, so ordering by it in SQL follows the enum."""

    impl = SmallInteger
    cache_ok = True

    def __init__(self, enum_class: type[enum.IntEnum]):
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else int(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


def insert_or_ignore(model, *conflict_columns):
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL: a redelivered row is simply not written again."""
    build = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return build(model).on_conflict_do_nothing(index_elements=[column.key for column in conflict_columns])


def lock_row(model, *conditions):
    """The row of ``model`` matching ``conditions``, locked until the transaction ends and read afresh; None
    when there is none. What is decided on it after this no concurrent writer can change.

    On PostgreSQL ``FOR NO KEY UPDATE``: it queues lockers of the row as ``FOR UPDATE`` would, but not the
    inserts of rows that refer to it (a foreign key takes ``KEY SHARE``), which would deadlock with them. On
    SQLite the unit of work holds the database's write lock already."""
    return db.session.scalars(select(model).where(*conditions).with_for_update(key_share=True, of=model)
                              .execution_options(populate_existing=True)).one_or_none()


def search_key() -> String:
    """A lower-cased look-up column compared byte-wise, so prefix ranges use the index on PostgreSQL too."""
    return String(120).with_variant(String(120, collation="C"), "postgresql")


def skip_locked(query):
    """A claim's query: on PostgreSQL, rows another worker holds are left to it rather than waited for (on SQLite
    the unit of work holds the database's write lock already)."""
    return query.with_for_update(skip_locked=True) if db.session.get_bind().dialect.name == "postgresql" else query


def refresh_query_statistics(connection) -> bool:
    """ANALYZE on SQLite, whose planner chooses indexes by these statistics. Without them (a database that
    grew, an index just added) it chose wrong ones on big tables: at a million cases a name search took 0.5 s
    instead of 20 ms, the satisfaction dashboard 2 s instead of 50 ms. PostgreSQL's autovacuum keeps its own.
    True if it ran."""
    if connection.dialect.name != "sqlite":
        return False
    connection.exec_driver_sql("ANALYZE")
    return True


_immediate = ContextVar("sqlite_begin_immediate", default=False)


class WriteLockTimeout(OperationalError):
    """Another writer held SQLite's write lock longer than the busy timeout."""

    def __init__(self, path: str):
        super().__init__("waiting for the write lock", None, TimeoutError(f"{path}: write lock busy"))


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One use case that may write: a transaction holding the write lock from its first statement, committed
    at the end, rolled back on an exception. Inside another unit of work it simply joins it.

    A transaction the session has open already (reads of the signed-in user, say) must not have written; it
    is ended first, keeping what it loaded: what the use case decides on, it reads (or locks) inside.
    """
    session = db.session()
    if session.info.get("unit_of_work"):
        yield session
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("changes made outside a unit of work")
    _end_read_transaction(session)
    with _writer_queue(session):
        session.info["unit_of_work"] = True
        try:
            token = _immediate.set(True)
            try:
                session.connection()  # BEGIN (IMMEDIATE on SQLite) now, before the first read
            finally:
                _immediate.reset(token)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop("unit_of_work", None)


def _end_read_transaction(session: Session) -> None:
    if session.in_transaction():
        keep, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep


@contextmanager
def _writer_queue(session: Session):
    """On SQLite, writers of this database queue on a lock file beside it (``flock``, shared by every process)
    before ``BEGIN IMMEDIATE``: SQLite's own busy handler sleeps in steps up to 100 ms, this wakes within 2 ms
    of the lock being free. Nothing on PostgreSQL, which locks rows."""
    path = _sqlite_path(session.get_bind())
    if path is None:
        yield
        return
    fd = os.open(path + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline, pause = time.monotonic() + BUSY_TIMEOUT_SECONDS, 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriteLockTimeout(path) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
        yield
    finally:
        os.close(fd)  # releases the lock


def _sqlite_path(bind) -> str | None:
    if bind.dialect.name != "sqlite":
        return None
    database = bind.engine.url.database
    return database if database and database != ":memory:" else None


def init_app(app: Flask) -> None:
    """SQLite's settings on every connection of the app's engine, and its BEGIN emitted by SQLAlchemy."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)


def _configure_sqlite(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout; SQLAlchemy emits BEGIN itself (:func:`_begin_sqlite`), so that
    savepoints work and a unit of work can begin IMMEDIATE."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.close()


def _begin_sqlite(conn: Engine) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")
