"""The database failing between Twilio's answer and the record of it: the text still goes out once.

Real connections on a database of their own with committed data (a fresh SQLite file, or the ``<name>_outbox``
sibling of the ``TEST_DATABASE_URL`` PostgreSQL database); the fault starts in the fake Twilio as it accepts
the text. Waits for locks are short here: SQLite's busy timeout and PostgreSQL's lock_timeout are 0.2 s.
"""

import json
import threading
import time

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from werkzeug import Response

from helpdesk import database
from helpdesk.database import lock_row, unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.jobs import outbox as outbox_jobs
from helpdesk.jobs.outbox import deliver_outbox
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms
from tests import factories
from tests.conftest import build_app
from tests.telephony.conftest import ACCOUNT, MESSAGES_PATH, list_sent_messages, sends, sid


@pytest.fixture
def outbox_app(fresh_database, httpserver, monkeypatch):
    """An app with one text in its outbox, sending through the loopback fake of Twilio."""
    url = fresh_database("_outbox")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    engine_options = {"connect_args": {"options": "-c lock_timeout=200"}} if url.startswith("postgresql") else {}
    app = build_app(url, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE_URL=httpserver.url_for("/"), TWILIO_TIMEOUT=5,
                    SQLALCHEMY_ENGINE_OPTIONS=engine_options)
    list_sent_messages(httpserver)
    with app.app_context():
        program = factories.program(country="PL")
        participant = factories.participant(program, phone="+48601234567")
        send_sms(program, participant.phone, "Your parcel ships today", actor=factories.SYSTEM,
                 participant=participant)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def accept_then(httpserver, fault) -> list[str]:
    """Twilio accepts every text; at the first, the database fails (``fault()``) before the answer reaches the
    worker. The sids it answered."""
    answered = []

    def created(request):
        if not answered:
            fault()
        answered.append(sid("SM"))
        return Response(json.dumps({"sid": answered[-1], "status": "queued", "account_sid": ACCOUNT}), status=201,
                        content_type="application/json")

    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_handler(created)
    return answered


class LockHolder:
    """Another connection holding the message's row, and on SQLite the write lock, for ``seconds``."""

    def __init__(self, app, seconds: float):
        self.app, self.seconds, self.thread = app, seconds, None

    def __call__(self) -> None:
        held = threading.Event()

        def hold():
            with self.app.app_context():
                with unit_of_work():
                    lock_row(Message, Message.direction == "outbound")
                    held.set()
                    time.sleep(self.seconds)
                db.session.remove()

        self.thread = threading.Thread(target=hold)
        self.thread.start()
        assert held.wait(5)

    def join(self) -> None:
        self.thread.join(30)


def a_worker_pass(app) -> dict[str, int] | None:
    """The worker's outbox pass; one that fails on the database is logged and left, as the worker does."""
    with app.app_context():
        try:
            return deliver_outbox()
        except DBAPIError:
            return None
        finally:
            db.session.remove()


def leases_run_out(app) -> None:
    with app.app_context(), unit_of_work():
        db.session.execute(update(Message).where(Message.status == "sending")
                           .values(next_attempt_at=utcnow()).execution_options(synchronize_session=False))
    with app.app_context():
        db.session.remove()


def recorded(app) -> tuple[str | None, str]:
    with app.app_context():
        row = db.session.execute(select(Message.message_sid, Message.status)).one()
        db.session.remove()
    return tuple(row)


def test_a_result_the_database_refuses_for_a_moment_is_recorded_and_the_text_sent_once(outbox_app, httpserver):
    holder = LockHolder(outbox_app, seconds=1.0)  # five times the wait for a lock
    answered = accept_then(httpserver, holder)
    first = a_worker_pass(outbox_app)
    holder.join()
    leases_run_out(outbox_app)
    a_worker_pass(outbox_app)
    assert len(sends(httpserver)) == 1 and recorded(outbox_app) == (answered[0], "queued")
    assert first == {"sent": 1, "retry": 0, "failed": 0}  # recorded by the worker that sent it


def test_a_result_the_database_refuses_for_longer_is_found_at_twilio_once_the_lease_runs_out(outbox_app, httpserver,
                                                                                            monkeypatch):
    monkeypatch.setattr(outbox_jobs, "RECORD_RETRY_SECONDS", 0.3)
    holder = LockHolder(outbox_app, seconds=1.5)
    answered = accept_then(httpserver, holder)
    assert a_worker_pass(outbox_app) is None  # recording failed for good
    holder.join()
    assert recorded(outbox_app) == (None, "sending")
    leases_run_out(outbox_app)
    assert a_worker_pass(outbox_app) == {"sent": 1, "retry": 0, "failed": 0}
    assert [request.method for request, _ in httpserver.log] == ["POST", "GET"]  # found, not sent again
    assert recorded(outbox_app) == (answered[0], "sent")


def test_a_postgresql_restart_between_send_and_record_does_not_send_the_text_twice(outbox_app, httpserver):
    url = outbox_app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: a server restart drops every connection")

    def restart():
        engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        engine.dispose()

    answered = accept_then(httpserver, restart)
    first = a_worker_pass(outbox_app)
    leases_run_out(outbox_app)
    a_worker_pass(outbox_app)
    assert len(sends(httpserver)) == 1 and recorded(outbox_app) == (answered[0], "queued")
    assert first == {"sent": 1, "retry": 0, "failed": 0}
