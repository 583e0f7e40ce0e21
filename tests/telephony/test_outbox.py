from datetime import timedelta

import pytest

from helpdesk.database import utcnow
from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.telephony.delivery import claim, deliver_due_outbox
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import deliver, send_sms
from tests.conftest import csrf_token
from tests.telephony.conftest import MESSAGES_PATH, accept_message, reject_message


@pytest.fixture
def sms_case(make, hotline, caller, agent):
    agent.programs.append(hotline)
    return make.case(hotline, participant=caller, channel="sms")


def reply(agent_client, case, body="Your parcel ships today"):
    token = csrf_token(agent_client, "/cases")
    return agent_client.post(f"/cases/{case.id}/sms", data={"sms-body": body, "csrf_token": token})


def test_an_agents_reply_goes_out_through_the_twilio_client(agent_client, twilio, sms_case, hotline, caller):
    accept_message(twilio)
    assert reply(agent_client, sms_case).status_code == 302
    (request, _), = twilio.log
    assert request.path == MESSAGES_PATH and request.authorization.type == "basic"
    assert (request.form["To"], request.form["From"], request.form["Body"]) == (
        caller.phone, hotline.hotline_number, "Your parcel ships today")
    message = db.session.query(Message).one()
    assert message.status == "queued" and message.message_sid.startswith("SM")
    db.session.refresh(sms_case)
    assert sms_case.first_response_at is not None


def test_the_status_callback_url_is_sent_when_the_public_url_is_known(app, agent_client, twilio, sms_case,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hotline.example.com")
    accept_message(twilio)
    reply(agent_client, sms_case)
    assert twilio.log[0][0].form["StatusCallback"] == "https://hotline.example.com/twilio/sms/status"


def test_21610_from_twilio_fails_the_message_and_opts_the_participant_out(agent_client, twilio, sms_case, caller):
    reject_message(twilio, 400, 21610, "Attempt to send to unsubscribed recipient")
    reply(agent_client, sms_case)
    message = db.session.query(Message).one()
    db.session.refresh(caller)
    assert (message.status, message.error_code, caller.sms_opt_out) == ("failed", 21610, True)


def test_a_server_error_is_retried_later_with_backoff(agent_client, twilio, sms_case):
    reject_message(twilio, 503, 20503, "Service unavailable")
    reply(agent_client, sms_case)
    message = db.session.query(Message).one()
    assert message.status == "pending" and message.attempts == 1
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
    accept_message(twilio, status="sent")
    assert deliver_due_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("sent", 2)


def test_an_unreachable_twilio_is_a_transient_failure(app, make, hotline, caller, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "ACtest")
    monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    message = deliver(send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller))
    assert message.status == "pending" and message.error_message.startswith("network")


def test_retries_stop_after_the_last_attempt(app, twilio, make, hotline, caller):
    message = send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller)
    for _ in range(app.config["SMS_MAX_ATTEMPTS"]):
        reject_message(twilio, 500, 20500)
        deliver(message)
    assert message.status == "failed" and message.attempts == app.config["SMS_MAX_ATTEMPTS"]


def test_an_opted_out_participant_is_not_texted(make, hotline, caller):
    caller.sms_opt_out = True
    with pytest.raises(Conflict, match="opted out"):
        send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller)


def test_a_claimed_message_is_not_claimed_again(make, hotline, caller):
    message = send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller)
    assert claim(message.id, utcnow()) and not claim(message.id, utcnow())


def test_without_credentials_the_development_gateway_records_the_text(make, hotline, caller):
    message = deliver(send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller))
    assert message.status == "sent" and message.message_sid.startswith("SMdev")
