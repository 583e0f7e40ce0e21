"""Webhooks arriving together, as Twilio's redeliveries and a busy hotline send them: real threads, each with its
own connection, on a database of their own with committed data (not the rolled-back test transaction)."""

import threading

import pytest
from sqlalchemy import func, select

from helpdesk.cases.models import Case, CaseEvent, Channel
from helpdesk.extensions import db
from helpdesk.telephony.models import Call, Message
from tests import factories
from tests.conftest import build_app
from tests.telephony.conftest import sid, signed_post

HOTLINE = "+48221110000"
CALLER = "+48601234567"


@pytest.fixture
def racing_app(fresh_database):
    app = build_app(fresh_database("_races"))
    with app.app_context():
        program = factories.program(country="PL", hotline_number=HOTLINE)
        program.business_hours = {}
        program.on_duty_numbers = ["+48601000001"]
        factories.participant(program, phone=CALLER)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def together(app, requests: list[tuple[str, dict]]) -> list[int]:
    """Send every (path, form) at once, each from its own thread and test client; their status codes."""
    start, codes = threading.Barrier(len(requests)), [0] * len(requests)

    def send(index, path, params):
        client = app.test_client()
        start.wait()
        codes[index] = signed_post(client, path, params).status_code

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return codes


def timeline_kinds(app, call_sid: str) -> list[str]:
    with app.app_context():
        case_id = db.session.scalar(select(Call.case_id).where(Call.call_sid == call_sid))
        return list(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))


def test_redelivered_menu_and_status_webhooks_of_one_call_write_its_timeline_once(racing_app):
    call = {"CallSid": sid("CA"), "From": CALLER, "To": HOTLINE}
    assert together(racing_app, [("/twilio/voice/incoming", {**call, "CallStatus": "ringing"})]) == [200]
    menu = ("/twilio/voice/menu", {**call, "Digits": "1", "CallStatus": "in-progress"})
    ended = ("/twilio/voice/status", {**call, "CallStatus": "completed", "CallDuration": "42"})
    codes = together(racing_app, [menu, menu, menu, ended, ended, ended])
    assert sorted(codes) == [200, 200, 200, 204, 204, 204]
    kinds = timeline_kinds(racing_app, call["CallSid"])
    assert kinds.count("call") == 1 and kinds.count("call_ended") == 1 and kinds.count("created") == 1


def test_a_menu_choice_arriving_with_its_call_s_first_webhook_is_answered(racing_app):
    call = {"CallSid": sid("CA"), "From": CALLER, "To": HOTLINE, "CallStatus": "ringing"}
    codes = together(racing_app, [("/twilio/voice/incoming", call), ("/twilio/voice/menu", {**call, "Digits": "2"}),
                                  ("/twilio/voice/incoming", call)])
    assert codes == [200, 200, 200]
    with racing_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Call)) == 1
    assert timeline_kinds(racing_app, call["CallSid"]).count("call") == 1


def test_texts_from_one_participant_arriving_together_open_one_sms_case(racing_app):
    texts = [("/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": CALLER, "To": HOTLINE, "Body": f"Hi {i}"})
             for i in range(6)]
    assert together(racing_app, texts + texts[:2]) == [200] * 8  # two of them redelivered at the same time
    with racing_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case).where(Case.channel == Channel.SMS)) == 1
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.direction == "inbound")) == 6
        assert db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "sms_in")) == 6
        # acknowledged once, by the case that opened
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.direction == "outbound")) == 1


def test_texts_from_one_unknown_number_arriving_together_open_one_case(racing_app):
    texts = [("/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": "+48700100200", "To": HOTLINE,
                                       "Body": f"Hi {i}"}) for i in range(4)]
    assert together(racing_app, texts) == [200] * 4
    with racing_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case).where(Case.channel == Channel.SMS)) == 1
