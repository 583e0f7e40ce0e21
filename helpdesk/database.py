"""Database plumbing shared by every feature: UTC timestamps, SQLite pragmas, statistics and transactions, small
column types."""

import enum
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache

from flask import g, has_request_context, request
from sqlalchemy import DateTime, SmallInteger, String, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import TypeDecorator

from helpdesk.extensions import db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL: a redelivered row is simply not written again.

    Built once per model and dialect (statements are immutable: ``.values()`` returns a copy), since the
    webhooks that use it answer while a phone rings."""
    dialect = db.session.get_bind().dialect.name
    return _insert_or_ignore(dialect, model, tuple(column.key for column in conflict_columns))


@cache
def _insert_or_ignore(dialect: str, model, conflict_keys: tuple[str, ...]):
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return build(model).on_conflict_do_nothing(index_elements=list(conflict_keys))


def lost_a_race(error: DBAPIError) -> bool:
    """A write that met a concurrent one, and succeeds when its use case runs again in a new transaction:
    two inserts of one unique key (IntegrityError), or, on SQLite, a transaction that read before another
    connection wrote and so may not write itself (SQLITE_BUSY_SNAPSHOT, "database is locked" at once)."""
    return isinstance(error, IntegrityError) or (
        getattr(error.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY_SNAPSHOT)


def search_key() -> String:
    """A lower-cased look-up column compared byte-wise, so prefix ranges use the index on PostgreSQL too."""
    return String(120).with_variant(String(120, collation="C"), "postgresql")


def refresh_query_statistics(connection) -> bool:
    """ANALYZE on SQLite, whose planner chooses indexes by these statistics. Without them (a database that
    grew, an index just added) it chose wrong ones on big tables: at a million cases a name search took 0.5 s
    instead of 20 ms, the satisfaction dashboard 2 s instead of 50 ms. PostgreSQL's autovacuum keeps its own.
    True if it ran."""
    if connection.dialect.name != "sqlite":
        return False
    connection.exec_driver_sql("ANALYZE")
    return True


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout on SQLite; let SQLAlchemy emit BEGIN so savepoints work."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def begin_deferred_in_this_request() -> None:
    """For requests that read before they write and run again when they lose a race (see :func:`lost_a_race`),
    so that their reads wait for no writer: Twilio's webhooks."""
    g.sqlite_deferred = True


_write_lock_first = ContextVar("write_lock_first", default=False)


@contextmanager
def write_lock_first():
    """Transactions begun inside take SQLite's write lock at BEGIN, as a writing request's do (see below): for
    commands that read before they write while the application serves, such as an import."""
    token = _write_lock_first.set(True)
    try:
        yield
    finally:
        _write_lock_first.reset(token)


def _writing_request() -> bool:
    """A form or API write: on SQLite it takes the write lock at BEGIN (waiting for it up to the busy timeout)
    instead of reading first and being refused at its first write if another connection wrote meanwhile
    (SQLITE_BUSY_SNAPSHOT: "database is locked" at once, without waiting)."""
    return has_request_context() and request.method not in SAFE_METHODS and not g.get("sqlite_deferred")


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_lock_first.get() or _writing_request() else "BEGIN")
