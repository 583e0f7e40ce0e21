"""Several dispatchers at once, on committed data: every survey goes out exactly once.

These tests need real concurrency, so they run on a database of their own (a fresh SQLite file, or the
``<name>_surveys`` sibling of the ``TEST_DATABASE_URL`` PostgreSQL database) whose data is committed, with
each dispatcher in its own thread, app context, session and connection.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.jobs.worker import run_pass
from helpdesk.surveys.models import Survey, SurveyDay, SurveyStatus
from tests import factories
from tests.conftest import build_app
from tests.surveys.test_dispatch import accept_all
from tests.telephony.conftest import ACCOUNT

SURVEYS = 40


@pytest.fixture
def shared_app(fresh_database, httpserver):
    """An app on its own committed database, texting through the loopback fake of Twilio."""
    app = build_app(fresh_database("_surveys"), SURVEY_DELAY_MINUTES=0,
                    SURVEY_QUIET_HOURS="", TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE_URL=httpserver.url_for("/"),
                    TWILIO_TIMEOUT=5)
    yield app
    with app.app_context():
        db.engine.dispose()


def seed_due_surveys(app, count: int) -> None:
    with app.app_context():
        program = factories.program()
        agent = factories.user(role="agent", programs=[program])
        for _ in range(count):
            update_case(factories.case(program), actor=agent, status="resolved")
        db.session.commit()


def run_together(app, work, workers: int) -> list[BaseException]:
    errors, start = [], threading.Barrier(workers)

    def worker():
        with app.app_context():
            try:
                start.wait()
                work()
            except BaseException as exc:  # reported by the test below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def sent_to_each_recipient(httpserver) -> Counter:
    return Counter((request.form["To"], request.form["Body"]) for request, _ in httpserver.log)


def check_every_survey_sent_once(app, httpserver) -> None:
    with app.app_context():
        statuses = Counter(db.session.scalars(select(Survey.status)))
        counted = db.session.scalar(select(func.sum(SurveyDay.sent)).where(SurveyDay.dimension == "all"))
    assert statuses == {SurveyStatus.SENT: SURVEYS}
    assert counted == SURVEYS
    assert len(httpserver.log) == SURVEYS
    assert set(sent_to_each_recipient(httpserver).values()) == {1}


def test_concurrent_dispatchers_never_send_a_survey_twice(shared_app, httpserver):
    seed_due_surveys(shared_app, SURVEYS)
    accept_all(httpserver)
    errors = run_together(shared_app, lambda: dispatch_due_surveys(batch=3), workers=4)
    assert errors == []
    check_every_survey_sent_once(shared_app, httpserver)


def test_dispatchers_and_sms_deliverers_racing_for_the_same_outbox_send_each_text_once(shared_app, httpserver):
    seed_due_surveys(shared_app, SURVEYS)
    accept_all(httpserver)
    errors = run_together(shared_app, lambda: [run_pass() for _ in range(3)], workers=4)
    assert errors == []
    check_every_survey_sent_once(shared_app, httpserver)
