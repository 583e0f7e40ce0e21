"""Twilio as the tests see it: requests signed with the real RequestValidator, and a loopback fake REST API."""

import itertools
import json
import re
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from twilio.request_validator import RequestValidator
from werkzeug import Response

TOKEN = "test-auth-token"
ACCOUNT = "ACtest0000000000000000000000000000"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
RECORDINGS_PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/"
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
    list_sent_messages(httpserver)
    return httpserver


def list_sent_messages(httpserver):
    """Twilio's Messages list in the fake: ``GET …/Messages.json?To=…&From=…&DateSent>=…`` answers the messages
    it accepted (POSTs it answered 201, all sent today), newest first, as one page shaped like Twilio's."""
    def listed(request):
        today = datetime.now(UTC)
        wanted = {"to": request.args.get("To"), "from": request.args.get("From")}
        messages = [_as_listed(posted, answer, today) for posted, answer in reversed(httpserver.log)
                    if posted.method == "POST" and posted.path == MESSAGES_PATH and answer.status_code == 201]
        messages = [m for m in messages if all(m[key] == value for key, value in wanted.items() if value)
                    and request.args.get("DateSent>", "")[:10] <= today.date().isoformat()]
        page_uri = f"{MESSAGES_PATH}?PageSize=50&Page=0"
        return Response(json.dumps({
            "messages": messages, "end": max(len(messages) - 1, 0), "first_page_uri": page_uri,
            "next_page_uri": None, "page": 0, "page_size": 50, "previous_page_uri": None, "start": 0,
            "uri": page_uri}), content_type="application/json")

    httpserver.expect_request(MESSAGES_PATH, method="GET").respond_with_handler(listed)


def _as_listed(posted, answer, sent_at: datetime) -> dict:
    accepted = answer.get_json()
    return {"sid": accepted["sid"], "account_sid": ACCOUNT, "status": "sent", "to": posted.form["To"],
            "from": posted.form["From"], "body": posted.form["Body"], "direction": "outbound-api",
            "date_created": format_datetime(sent_at), "date_sent": format_datetime(sent_at)}


def sends(httpserver) -> list:
    """The messages handed to the fake (its POSTs), leaving out the look-ups."""
    return [request for request, _ in httpserver.log if request.method == "POST"]


def accept_message(httpserver, status="queued"):
    httpserver.expect_oneshot_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"sid": sid("SM"), "status": status, "account_sid": ACCOUNT, "body": "", "to": "", "from": ""}, status=201)


def reject_message(httpserver, status: int, code: int, message: str = "refused"):
    httpserver.expect_oneshot_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"code": code, "message": message, "status": status, "more_info": ""}, status=status)


def answer_recording_deletes(httpserver, status: int = 204):
    """Twilio's ``DELETE …/Recordings/{sid}.json`` in the fake from now on (in place of an earlier answer): 204
    (deleted), or ``status`` with an error."""
    def deleted(request):
        if status == 204:
            return Response(status=204)
        return Response('{"code": 20500, "message": "Internal Server Error", "status": 500}', status=status,
                        content_type="application/json")

    httpserver.clear_all_handlers()
    list_sent_messages(httpserver)
    httpserver.expect_request(re.compile(re.escape(RECORDINGS_PATH) + r"RE\w+\.json"), method="DELETE"
                              ).respond_with_handler(deleted)


def recording_deletes(httpserver) -> list[str]:
    return [request.path.rsplit("/", 1)[1].removesuffix(".json") for request, _ in httpserver.log
            if request.method == "DELETE"]
