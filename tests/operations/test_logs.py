"""JSON-line logs: request ids, the request's endpoint, caller, status and duration, Twilio Sids; and no phone
number or e-mail address in any line (issue 17, item 6)."""

import io
import json
import logging
import re

import pytest

from helpdesk.operations.logs import json_handler, mask
from helpdesk.signals import text_received
from tests.telephony.conftest import sid, signed_post


@pytest.fixture
def json_logs():
    """The production handler on the root logger for the test; the lines it wrote, parsed."""
    stream, root = io.StringIO(), logging.getLogger()
    handler, level = json_handler(stream), root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def assert_no_personal_data(lines, *values):
    text = "\n".join(json.dumps(line) for line in lines)
    for value in values:
        assert value not in text
        assert value.replace(" ", "") not in text
    assert "601234567" not in re.sub(r"[^0-9]", "", text)  # the caller's digits, in any format
    assert "@example.com" not in text


@pytest.mark.parametrize(("raw", "masked"), [
    ("call +48 601 234 567 now", "call <phone ***67> now"),
    ("from +48601234567.", "from <phone ***67>."),
    ("(555) 123-4567", "(<phone ***67>"),
    ("write to anna.kowalska+hotline@example.com", "write to <email>"),
    ("phone:+48601234567", "phone:<phone ***67>"),
    ("Listening at: http://127.0.0.1:5077 (15952)", "Listening at: http://127.0.0.1:5077 (15952)"),
    ("at 2026-11-29 07:28:11, case 1234567, sid SM00000000000000000000000000000042",
     "at 2026-11-29 07:28:11, case 1234567, sid SM00000000000000000000000000000042"),
])
def test_phone_numbers_and_addresses_are_masked_and_times_and_ids_are_not(raw, masked):
    assert mask(raw) == masked


def test_each_request_has_an_id_returned_in_the_response_and_logged_with_its_line(client, json_logs):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.1"})
    made = client.get("/login")
    forged = client.get("/login", headers={"X-Request-ID": "bad id <script>"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.1"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])
    (line,) = [line for line in json_logs() if line.get("request_id") == made.headers["X-Request-ID"]]
    assert line["message"] == "GET /login 200" and line["level"] == "INFO" and line["endpoint"] == "auth.login"
    assert line["status"] == 200 and line["duration_ms"] > 0 and line["time"].endswith("+00:00")


def test_a_search_by_phone_and_email_logs_neither(agent_client, agent, json_logs):
    for query in ("+48 601 234 567", "anna.kowalska@example.com"):
        assert agent_client.get("/search", query_string={"q": query}).status_code == 200
    lines = [line for line in json_logs() if line.get("endpoint") == "cases.search_page"]
    assert [line["message"] for line in lines] == ["GET /search 200"] * 2
    assert all(line["user_id"] == agent.id for line in lines)
    assert_no_personal_data(json_logs(), "+48 601 234 567", "anna.kowalska")


def test_a_webhook_whose_filing_fails_logs_its_sid_but_not_the_callers_number_or_address(client, make, json_logs):
    program = make.program()
    participant = make.participant(program, phone="+48 601 234 567", email="anna.kowalska@example.com")

    def broken(message):
        raise RuntimeError(f"no case for {message.from_number} ({participant.email})")

    message_sid = sid("SM")
    with text_received.connected_to(broken):
        response = signed_post(client, "/twilio/sms/incoming", {"MessageSid": message_sid, "From": "+48601234567",
                                                                "To": program.hotline_number, "Body": "Hello"})
    assert response.status_code == 200
    failure = next(line for line in json_logs() if line["level"] == "ERROR")
    assert failure["twilio_sid"] == message_sid and failure["endpoint"] == "twilio.sms_incoming"
    assert "RuntimeError: no case for <phone ***67> (<email>)" in failure["exception"]
    assert_no_personal_data(json_logs(), "+48601234567", "601 234 567", "anna.kowalska")


def test_an_unhandled_webhook_error_logs_no_phone_number(client, make, json_logs, monkeypatch):
    from helpdesk.telephony import voice

    def crash(form, found, number):
        raise ValueError(f"cannot log the call from {number}")

    monkeypatch.setattr(voice, "_log_call", crash)
    program = make.program()
    call_sid = sid("CA")
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)  # as in production: a 500
    response = signed_post(client, "/twilio/voice/incoming", {"CallSid": call_sid, "From": "+48601234567",
                                                              "To": program.hotline_number})
    assert response.status_code == 500
    lines = json_logs()
    masked = "cannot log the call from <phone ***67>"
    assert any(line.get("twilio_sid") == call_sid and masked in line.get("exception", "") for line in lines)
    assert_no_personal_data(lines, "+48601234567")
