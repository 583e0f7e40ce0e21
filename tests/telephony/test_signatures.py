import pytest
from twilio.request_validator import RequestValidator

from helpdesk.extensions import db
from helpdesk.telephony.models import Call, Message
from tests.telephony.conftest import sid, signed_post


def test_the_validator_agrees_with_twilios_published_example():
    # Twilio's documented vector (also in twilio-python's tests). shared/TWILIO_NOTES.md gives +12349013030
    # for Caller and From, which signs to 0/KCTR6DLpKmkAf8muzZqo1nDgQ= instead.
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
              "From": "+14158675309", "To": "+18005551212"}
    assert RequestValidator("12345").validate("https://mycompany.com/myapp.php?foo=1&bar=2", params,
                                              "RSOYDt4T1cUTdK1PDd93/VVr8B8=")


@pytest.mark.parametrize("path", ["/twilio/voice/incoming", "/twilio/sms/incoming", "/twilio/sms/status",
                                  "/twilio/voice/status", "/twilio/voice/menu"])
def test_an_unsigned_request_is_refused_and_stores_nothing(client, hotline, path):
    response = client.post(path, data={"CallSid": sid("CA"), "MessageSid": sid("SM"), "To": hotline.hotline_number,
                                       "From": "+48601234567", "Body": "hello"})
    assert response.status_code == 403
    assert db.session.query(Call).count() == 0 and db.session.query(Message).count() == 0


def test_a_request_signed_with_another_token_is_refused(client, hotline):
    params = {"MessageSid": sid("SM"), "To": hotline.hotline_number, "From": "+48601234567", "Body": "hi"}
    assert signed_post(client, "/twilio/sms/incoming", params, token="not-our-token").status_code == 403


def test_a_tampered_body_breaks_the_signature(client, hotline):
    params = {"MessageSid": sid("SM"), "To": hotline.hotline_number, "From": "+48601234567", "Body": "hi"}
    signature = RequestValidator("test-auth-token").compute_signature("http://localhost/twilio/sms/incoming", params)
    response = signed_post(client, "/twilio/sms/incoming", {**params, "Body": "send me 1000 points"},
                           signature=signature)
    assert response.status_code == 403 and db.session.query(Message).count() == 0


def test_behind_a_proxy_the_public_url_is_what_counts(app, client, hotline, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hotline.example.com")
    params = {"MessageSid": sid("SM"), "To": hotline.hotline_number, "From": "+48601234567", "Body": "hi"}
    assert signed_post(client, "/twilio/sms/incoming", params).status_code == 403  # signed for localhost
    assert signed_post(client, "/twilio/sms/incoming", params, base="https://hotline.example.com").status_code == 200


def test_without_an_auth_token_in_production_every_webhook_is_refused(app, client, hotline, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", None)
    params = {"MessageSid": sid("SM"), "To": hotline.hotline_number, "From": "+48601234567", "Body": "hi"}
    assert signed_post(client, "/twilio/sms/incoming", params, token="").status_code == 403
