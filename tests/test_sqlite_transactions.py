"""SQLite: a request that writes takes the write lock at BEGIN, so it waits for other writers instead of being
refused at its first write because one wrote after it read ("database is locked" at once)."""

import os
import sqlite3

import pytest
from sqlalchemy import select

from helpdesk.database import write_lock_first
from helpdesk.extensions import db
from tests.conftest import build_app, fresh_database_url


@pytest.fixture
def sqlite_app(tmp_path_factory):
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("SQLite's locking; PostgreSQL locks rows as it writes them")
    url = fresh_database_url(tmp_path_factory, suffix="_locks")
    app = build_app(url)
    yield app, url.removeprefix("sqlite:///")
    with app.app_context():
        db.engine.dispose()


def _write_lock_is_free(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_writing_request_holds_the_write_lock_from_its_first_statement(sqlite_app, method):
    app, path = sqlite_app
    with app.test_request_context("/cases/1/notes", method=method):
        db.session.execute(select(1))
        assert not _write_lock_is_free(path)
        db.session.rollback()
    assert _write_lock_is_free(path)


def test_a_reading_request_leaves_the_write_lock_to_others(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/cases", method="GET"):
        db.session.execute(select(1))
        assert _write_lock_is_free(path)


def test_a_webhook_reads_without_waiting_for_writers(sqlite_app):
    """It runs again instead when it loses a race (see helpdesk.telephony.webhooks)."""
    app, path = sqlite_app
    with app.test_request_context("/twilio/voice/incoming", method="POST"):
        assert app.preprocess_request() is None  # the webhooks' before_request hook
        db.session.execute(select(1))
        assert _write_lock_is_free(path)


def test_a_command_that_reads_before_it_writes_can_take_the_write_lock_first(sqlite_app):
    app, path = sqlite_app
    with app.app_context():
        with write_lock_first():
            db.session.execute(select(1))
            assert not _write_lock_is_free(path)
            db.session.rollback()
        db.session.execute(select(1))
        assert _write_lock_is_free(path)  # outside it, a command's transaction begins deferred
        db.session.rollback()
