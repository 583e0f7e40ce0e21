"""The transaction rule on SQLite: a unit of work holds the write lock from its first statement, so it waits for
other writers instead of being refused at its first write because one wrote after it read; everything else
reads without taking it."""

import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select, text

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from tests.conftest import build_app


@pytest.fixture
def sqlite_app(fresh_database):
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("SQLite's locking; PostgreSQL locks rows as it writes them")
    url = fresh_database("_locks")
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


def test_a_unit_of_work_holds_the_write_lock_from_its_first_statement(sqlite_app):
    app, path = sqlite_app
    with app.app_context():
        with unit_of_work():
            assert not _write_lock_is_free(path)
        assert _write_lock_is_free(path)


def test_reads_outside_a_unit_of_work_leave_the_write_lock_to_others(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/cases", method="POST"):
        db.session.execute(select(1))
        assert _write_lock_is_free(path)


def test_a_unit_of_work_after_reads_ends_them_and_keeps_what_they_loaded(sqlite_app):
    app, path = sqlite_app
    with app.app_context():
        assert db.session.execute(select(1)).scalar() == 1
        with unit_of_work():
            assert not _write_lock_is_free(path)
        assert _write_lock_is_free(path)


def test_a_unit_of_work_is_rolled_back_whole_on_an_error(sqlite_app):
    app, _ = sqlite_app
    with app.app_context():
        with pytest.raises(ZeroDivisionError), unit_of_work() as session:
            session.execute(text("CREATE TABLE scratch (x int)"))
            1 / 0  # noqa: B018
        assert db.session.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")).scalar() == 0


def test_a_reader_that_then_writes_is_not_refused_when_another_wrote_in_between(sqlite_app):
    """The defect the rule removes: a deferred transaction that read, then wrote after another connection's
    commit, got SQLITE_BUSY_SNAPSHOT ("database is locked") at once, seen as webhooks answering 500."""
    app, _ = sqlite_app
    with app.app_context():
        db.session.execute(select(1))  # a read before the unit of work (the signed-in user, say)
        with app.app_context(), unit_of_work() as other:
            other.execute(text("CREATE TABLE written_meanwhile (x int)"))
        with unit_of_work() as session:
            session.execute(text("INSERT INTO written_meanwhile VALUES (1)"))


def test_a_waiting_writer_starts_as_soon_as_the_lock_is_free(sqlite_app):
    app, _ = sqlite_app
    held, started = threading.Event(), []

    def hold_then_release():
        with app.app_context(), unit_of_work():
            held.set()
            time.sleep(0.3)
            released_at.append(time.monotonic())

    released_at: list[float] = []
    holder = threading.Thread(target=hold_then_release)
    holder.start()
    held.wait(5)
    with app.app_context(), unit_of_work():
        started.append(time.monotonic())
    holder.join()
    assert started[0] - released_at[0] < 0.05
