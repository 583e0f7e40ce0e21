import json
import sys
import time
from datetime import timedelta

import pytest
from werkzeug import Response

from helpdesk.database import unit_of_work, utcnow
from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.jobs import outbox as outbox_jobs
from helpdesk.jobs.outbox import deliver_now, deliver_outbox
from helpdesk.telephony.delivery import claim_message
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms
from tests.conftest import csrf_token
from tests.telephony.conftest import ACCOUNT, MESSAGES_PATH, accept_message, reject_message, sends


@pytest.fixture
def sms_case(make, hotline, caller, agent):
    agent.programs.append(hotline)
    return make.case(hotline, participant=caller, channel="sms")


def reply(agent_client, case, body="Your parcel ships today"):
    token = csrf_token(agent_client, "/cases")
    return agent_client.post(f"/cases/{case.id}/sms", data={"sms-body": body, "csrf_token": token})


def queued(make, hotline, caller, body="Hello") -> Message:
    """A text in the outbox, committed as ``send_sms``'s caller commits it."""
    message = send_sms(hotline, caller.phone, body, actor=make.SYSTEM, participant=caller)
    db.session.commit()
    return message


def time_passes(message):
    """Its retry is due, or its lease has run out."""
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def claimed_by_a_worker_that_dies(message):
    with unit_of_work():
        assert claim_message(utcnow(), message.id)


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


def test_agents_see_the_providers_error_code_but_never_the_account(agent_client, twilio, sms_case, make):
    reject_message(twilio, 400, 21606, f"The From phone number is not a valid number for account {ACCOUNT}")
    response = reply(agent_client, sms_case)
    message = db.session.query(Message).one()
    assert message.status == "failed" and ACCOUNT not in message.error_message
    page = agent_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The text could not be sent: the SMS provider refused the message (code 21606)" in page
    assert "(the SMS provider refused the message (code 21606))" in page
    assert ACCOUNT not in page and "not a valid number" not in page


def test_an_unreachable_provider_is_recorded_without_the_account_in_its_url(app, make, hotline, caller, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    message = queued(make, hotline, caller)
    deliver_now(message.id)
    assert message.error_message.startswith("network") and ACCOUNT not in message.error_message
    assert message.failure_for_agents == "the SMS provider could not be reached"


def test_a_server_error_is_retried_later_with_backoff(agent_client, twilio, sms_case):
    reject_message(twilio, 503, 20503, "Service unavailable")
    reply(agent_client, sms_case)
    message = db.session.query(Message).one()
    assert message.status == "sending" and message.attempts == 1  # Twilio may have taken it despite the 503
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
    time_passes(message)
    accept_message(twilio, status="sent")
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("sent", 2)
    assert [request.method for request, _ in twilio.log] == ["POST", "GET", "POST"]  # asked before sending again


def test_a_send_left_unanswered_is_looked_up_at_twilio_not_sent_again(app, twilio, make, hotline, caller,
                                                                      monkeypatch):
    """Twilio took the text but its answer came after the client gave up: the next attempt finds it."""
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT", 0.3)
    slow_sid = "SM" + "5" * 32

    def accept_too_late(request):
        time.sleep(0.6)
        return Response(json.dumps({"sid": slow_sid, "status": "queued", "account_sid": ACCOUNT, "body": "",
                                    "to": "", "from": ""}), status=201, content_type="application/json")

    twilio.expect_oneshot_request(MESSAGES_PATH, method="POST").respond_with_handler(accept_too_late)
    message = queued(make, hotline, caller)
    assert deliver_now(message.id) == "retry"
    assert message.status == "sending" and message.message_sid is None
    time.sleep(0.4)  # the fake finishes its answer
    time_passes(message)
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(sends(twilio)) == 1 and message.message_sid == slow_sid


def test_an_unreachable_twilio_is_a_transient_failure(app, make, hotline, caller, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "ACtest")
    monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    message = queued(make, hotline, caller)
    assert deliver_now(message.id) == "retry"
    assert message.status == "pending" and message.error_message.startswith("network")


def test_retries_stop_after_the_last_attempt(app, twilio, make, hotline, caller):
    message = queued(make, hotline, caller)
    for _ in range(app.config["SMS_MAX_ATTEMPTS"]):
        reject_message(twilio, 500, 20500)
        deliver_now(message.id)
        time_passes(message)
    assert message.status == "failed" and message.attempts == app.config["SMS_MAX_ATTEMPTS"]
    assert deliver_outbox()["sent"] == 0 and len(sends(twilio)) == app.config["SMS_MAX_ATTEMPTS"]


def test_an_opted_out_participant_is_not_texted(make, hotline, caller):
    caller.sms_opt_out = True
    with pytest.raises(Conflict, match="opted out"):
        send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller)


def test_a_claimed_message_is_not_claimed_again(make, hotline, caller):
    message = send_sms(hotline, caller.phone, "Hello", actor=make.SYSTEM, participant=caller)
    assert claim_message(utcnow(), message.id) and not claim_message(utcnow(), message.id)
    assert claim_message(utcnow()) is None  # nor taken as the next due one


def test_without_credentials_the_development_gateway_records_the_text(make, hotline, caller):
    message = queued(make, hotline, caller)
    assert deliver_now(message.id) == "sent"
    assert message.status == "sent" and message.message_sid.startswith("SMdev")


def test_a_text_sent_by_a_worker_that_died_before_recording_it_is_found_at_twilio_not_sent_again(
        twilio, make, hotline, caller, monkeypatch):
    message = queued(make, hotline, caller)
    accept_message(twilio)
    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(outbox_jobs, "record", lambda *args: sys.exit("killed"))  # as Twilio answers
        deliver_now(message.id)
    assert message.status == "sending" and message.message_sid is None
    assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}  # its lease holds: nobody sends it
    time_passes(message)
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    (sent,) = sends(twilio)
    lookup = twilio.log[-1][0]
    assert (lookup.method, lookup.args["To"], lookup.args["From"]) == ("GET", caller.phone, hotline.hotline_number)
    assert lookup.args["DateSent>"] == message.created_at.date().isoformat()
    assert message.message_sid == twilio.log[0][1].get_json()["sid"] and message.status == "sent"


def test_a_text_whose_worker_died_before_sending_it_is_sent_once_its_lease_runs_out(twilio, make, hotline,
                                                                                   caller):
    message = queued(make, hotline, caller)
    claimed_by_a_worker_that_dies(message)
    time_passes(message)
    accept_message(twilio)
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert [request.method for request, _ in twilio.log] == ["GET", "POST"]  # Twilio had no such text
    assert message.message_sid == twilio.log[1][1].get_json()["sid"] and message.attempts == 1


def test_a_text_is_not_sent_while_twilio_cannot_say_whether_it_has_it(twilio, make, hotline, caller):
    message = queued(make, hotline, caller)
    claimed_by_a_worker_that_dies(message)
    time_passes(message)
    twilio.expect_oneshot_request(MESSAGES_PATH, method="GET").respond_with_json({"message": "busy"}, status=503)
    assert deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}
    assert sends(twilio) == [] and message.status == "sending"
    assert utcnow() + timedelta(seconds=30) < message.next_attempt_at <= utcnow() + outbox_jobs.LOOKUP_RETRY
    time_passes(message)
    accept_message(twilio)
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(sends(twilio)) == 1


def test_an_earlier_text_with_the_same_words_is_not_taken_for_the_one_that_went_unrecorded(twilio, make, hotline,
                                                                                         caller):
    earlier = queued(make, hotline, caller, body="Thank you")
    accept_message(twilio)
    assert deliver_now(earlier.id) == "sent"
    message = queued(make, hotline, caller, body="Thank you")
    claimed_by_a_worker_that_dies(message)
    time_passes(message)
    accept_message(twilio)
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(sends(twilio)) == 2 and message.message_sid not in (None, earlier.message_sid)
