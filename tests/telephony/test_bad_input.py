"""Bad input on every webhook, signed as Twilio would sign it: a 2xx or 4xx answer, never a 500, and nothing left
half-filed."""

from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from helpdesk.extensions import db
from helpdesk.telephony.models import Call, Message
from helpdesk.telephony.sms import MAX_BODY
from helpdesk.telephony.webhooks import WEBHOOKS
from tests.telephony.conftest import TOKEN, sid, signed_post

PATHS = [f"/twilio{path}" for _, path, _ in WEBHOOKS]
NUMBERS = ("CallDuration", "RecordingDuration", "ErrorCode", "Digits")


def payloads(hotline, caller):
    good = {"CallSid": sid("CA"), "MessageSid": sid("SM"), "RecordingSid": sid("RE"), "From": caller.phone,
            "To": hotline.hotline_number, "Body": "Hi", "CallStatus": "completed", "MessageStatus": "delivered",
            "DialCallStatus": "completed", "RecordingStatus": "completed", "TranscriptionStatus": "completed",
            "TranscriptionText": "Hello", "RecordingUrl": "https://api.twilio.com/x"}
    yield "nothing", {}
    yield "nul bytes everywhere", {key: f"{value[:2]}\x00{value[2:]}" for key, value in good.items()}
    yield "numbers out of range", {**good, **dict.fromkeys(NUMBERS, "9" * 40)}
    yield "negative numbers", {**good, **dict.fromkeys(NUMBERS, "-5")}
    yield "long values", {key: value + "x" * 30_000 for key, value in good.items()}
    yield "unknown statuses", {**good, "CallStatus": "exploded" * 10, "MessageStatus": "??"}


@pytest.mark.parametrize("path", PATHS)
def test_no_signed_garbage_makes_a_webhook_fail(client, hotline, caller, path):
    for name, params in payloads(hotline, caller):
        response = signed_post(client, path, params)
        assert response.status_code < 500, f"{name}: {response.status_code}"
        assert 200 <= response.status_code < 300 or response.status_code in (400, 403, 413), name


@pytest.mark.parametrize("path", ["/twilio/sms/incoming", "/twilio/voice/incoming"])
def test_a_megabyte_field_is_cut_at_the_edge(client, hotline, caller, path):
    params = {"MessageSid": sid("SM"), "CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number,
              "Body": "x" * 1_000_000}
    assert signed_post(client, path, params).status_code == 200
    stored = db.session.query(Message).filter_by(direction="inbound").one_or_none()
    assert db.session.query(Call).count() == 1 or (len(stored.body) == MAX_BODY and stored.case_id is not None)


def test_a_body_that_is_not_utf8_is_answered_without_a_500(client, hotline, caller):
    params = {"MessageSid": sid("SM"), "From": caller.phone, "To": hotline.hotline_number, "Body": "\ufffd\ufffd"}
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/twilio/sms/incoming", params)
    raw = urlencode({k: v for k, v in params.items() if k != "Body"}) + "&Body=%FF%FE"
    response = client.post("/twilio/sms/incoming", data=raw, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert db.session.query(Message).filter_by(direction="inbound").one().case_id is not None
