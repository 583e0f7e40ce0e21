"""Twilio as the tests see it: requests signed with the real RequestValidator, and a loopback fake REST API."""

import itertools

import pytest
from twilio.request_validator import RequestValidator

TOKEN = "test-auth-token"
ACCOUNT = "ACtest0000000000000000000000000000"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
_sids = itertools.count(1)


def signed_post(client, path, params, *, token=TOKEN, base="http://localhost", signature=None, closed=True):
    """POST ``params`` to ``path`` as Twilio would: form-encoded, with X-Twilio-Signature over URL + params.

    The response is closed at once, as a server closes it once sent, so what follows the answer has run;
    ``closed=False`` leaves that to ``response.close()``."""
    signature = signature if signature is not None else RequestValidator(token).compute_signature(base + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature}, buffered=closed)


def sid(prefix: str) -> str:
    return f"{prefix}{next(_sids):032d}"


@pytest.fixture
def hotline(make):
    """A program answering around the clock, with two on-duty phones."""
    program = make.program(country="PL")
    program.business_hours = {}
    program.on_duty_numbers = ["+48601000001", "+48601000002"]
    return program


@pytest.fixture
def caller(make, hotline):
    return make.participant(hotline, first_name="Anna", last_name="Nowak", phone="+48 601 234 567", locale="pl")


@pytest.fixture
def twilio(app, httpserver, monkeypatch):
    """Point the real twilio Client at a loopback fake of Twilio's REST API."""
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT", 2)
    return httpserver


def accept_message(httpserver, status="queued"):
    httpserver.expect_oneshot_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"sid": sid("SM"), "status": status, "account_sid": ACCOUNT, "body": "", "to": "", "from": ""}, status=201)


def reject_message(httpserver, status: int, code: int, message: str = "refused"):
    httpserver.expect_oneshot_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"code": code, "message": message, "status": status, "more_info": ""}, status=status)
