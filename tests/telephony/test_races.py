"""Webhooks racing each other on a database of their own, committed for real (not the rolled-back test transaction)."""

import pytest

from helpdesk.extensions import db
from helpdesk.telephony import voice
from helpdesk.telephony.models import Call
from tests import factories
from tests.conftest import build_app, fresh_database_url
from tests.telephony.conftest import sid, signed_post


@pytest.fixture
def racing_app(tmp_path_factory):
    app = build_app(fresh_database_url(tmp_path_factory, suffix="_races"))
    with app.app_context():
        program = factories.program(country="PL", hotline_number="+48221110000")
        program.business_hours = {}
        program.on_duty_numbers = ["+48601000001"]
        factories.participant(program, phone="+48 601 234 567")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_menu_choice_that_loses_the_race_to_log_its_call_is_answered(racing_app, monkeypatch):
    """The greeting's answer is out, and the caller presses 1 while its call is being logged: the menu's
    webhook finds no call, the greeting's follow-up logs it, then the menu's own insert meets it. On SQLite
    that insert fails at once ("database is locked": the menu's transaction read before the other wrote);
    the webhook runs again in a new transaction and finds the call."""
    call = {"CallSid": sid("CA"), "From": "+48601234567", "To": "+48221110000", "CallStatus": "ringing"}
    real_log_call = voice.log_call

    def logged_meanwhile(row):
        if not logged_meanwhile.done:
            logged_meanwhile.done = True
            with racing_app.app_context():  # another request's session and connection
                real_log_call(row)
                db.session.commit()
        real_log_call(row)

    logged_meanwhile.done = False
    monkeypatch.setattr(voice, "log_call", logged_meanwhile)

    response = signed_post(racing_app.test_client(), "/twilio/voice/menu", {**call, "Digits": "1"})

    assert response.status_code == 200 and "<Dial" in response.get_data(as_text=True)
    with racing_app.app_context():
        assert db.session.query(Call).filter_by(call_sid=call["CallSid"]).one().menu_choice == "1"
