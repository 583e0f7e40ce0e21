"""The load bench's clients: Twilio's webhooks (signed like Twilio signs them) and agents' API calls.

Every request is recorded as a :class:`Sent` (what, which Sid, the answer, when); the checks read those.
Redeliveries are sent concurrently (a burst of the same request from several threads), as Twilio's retries
and its parallel status callbacks arrive.
"""

import http.client
import json
import random
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.fake_twilio import fate

ACCOUNT = "ACload0000000000000000000000000000"
TOKEN = "load-bench-auth-token"
PUBLIC_BASE_URL = "https://hotline.load.test"
TIMEOUT = 30.0
OPT_OUT, OPT_IN = "STOP", "START"
FREE_TEXTS = ("Where is my parcel?", "Gdzie jest moja paczka?", "Мои баллы не начислены", "Please call me back",
              "The voucher code does not work", "Thank you")
SCORE_TEXTS = ("5", "4 thanks", "2 - slow", "⭐⭐⭐", "great")


@dataclass
class Sent:
    kind: str
    sid: str | None
    status: int  # HTTP status, 0 when no answer came (connection refused, reset, timed out)
    started: float  # time.monotonic()
    ended: float
    error: str = ""
    data: dict = field(default_factory=dict)
    port: int = 0  # the app node that answered (bench/load.py --nodes)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


class Recorder:
    def __init__(self):
        self.sent: list[Sent] = []  # list.append is atomic: clients append from their threads

    def request(self, port: int, kind: str, method: str, path: str, *, sid=None, form=None, body=None,
                headers=None, data=None) -> Sent:
        headers = dict(headers or {})
        payload = None
        if form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(PUBLIC_BASE_URL + path, form)
        elif body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started, status, error, answer = time.monotonic(), 0, "", b""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                status, answer = response.status, response.read()
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, cut short, timed out
            error = f"{type(exc).__name__}: {exc}"
        if status >= 300:
            error = _gist(answer.decode(errors="replace"))
        sent = Sent(kind, sid, status, started, time.monotonic(), error, dict(data or {}), port)
        if kind.startswith("api") and 200 <= status < 300:
            sent.data["answer"] = json.loads(answer)
        self.sent.append(sent)
        return sent


def _gist(answer: str) -> str:
    """An error answer in one short line: an HTML page's title, else the text with its spacing collapsed."""
    title = re.search(r"<title>(.*?)</title>", answer, re.S)
    return " ".join((title.group(1) if title else answer).split())[:120]


class WebhookClient:
    """One of the N Twilio-like clients: calls, texts and SMS status callbacks, picked at random."""

    def __init__(self, number: int, port: int, recorder: Recorder, people: list[tuple[str, str]],
                 sent_messages, stop: threading.Event):
        self.rng = random.Random(number)
        self.port, self.recorder, self.people, self.sent_messages, self.stop = port, recorder, people, \
            sent_messages, stop
        self.pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix=f"client{number}-burst")

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                roll = self.rng.random()
                if roll < 0.4:
                    self.call()
                elif roll < 0.85:
                    self.text()
                else:
                    self.sms_status()
        finally:
            self.pool.shutdown()

    def post(self, kind: str, path: str, form: dict, *, times: int = 1, data=None) -> list[Sent]:
        """POST a signed webhook; ``times`` > 1 sends that many copies at once (a concurrent redelivery)."""
        if times == 1:
            return [self.recorder.request(self.port, kind, "POST", path, sid=form.get("CallSid") or
                                          form.get("MessageSid"), form=form, data=data)]
        futures = [self.pool.submit(self.post, kind, path, form, data=data) for _ in range(times)]
        return [sent for future in futures for sent in future.result()]

    def redeliveries(self, share: float) -> int:
        return self.rng.choice((2, 3)) if self.rng.random() < share else 1

    def call(self) -> None:
        phone, hotline = self.rng.choice(self.people)
        base = {"AccountSid": ACCOUNT, "CallSid": f"CA{uuid.uuid4().hex}", "From": phone, "To": hotline,
                "Direction": "inbound", "ApiVersion": "2010-04-01"}
        self.post("voice_incoming", "/twilio/voice/incoming", {**base, "CallStatus": "ringing"},
                  times=self.redeliveries(0.05))
        menu = {**base, "CallStatus": "in-progress", "Digits": self.rng.choice("120")}
        ended = {**base, "CallStatus": self.rng.choice(("completed", "completed", "no-answer")),
                 "CallDuration": str(self.rng.randint(5, 300))}
        roll = self.rng.random()
        steps = [("voice_menu", "/twilio/voice/menu", menu), ("voice_status", "/twilio/voice/status", ended)]
        if roll < 0.15:
            steps.reverse()  # the hang-up's callback arrives before the menu choice
        elif roll < 0.3:
            steps = steps[1:]  # hung up during the greeting: no menu choice at all
        for kind, path, form in steps:
            self.post(kind, path, form, times=self.redeliveries(0.2))

    def text(self) -> None:
        phone, hotline = self.rng.choice(self.people)
        roll = self.rng.random()
        if roll >= 0.7 and (surveyed := self.sent_messages.pick(self.rng)) is not None:
            phone, hotline = surveyed["to"], surveyed["from"]  # the answer to a survey (or to an agent's text)
        if roll < 0.01:
            bodies = [OPT_OUT]
        elif roll < 0.02:
            bodies = [OPT_IN]
        elif roll < 0.1:  # two texts from one participant at once
            bodies = [self.rng.choice(FREE_TEXTS), self.rng.choice(FREE_TEXTS)]
        else:
            bodies = [self.rng.choice(SCORE_TEXTS if roll >= 0.7 else FREE_TEXTS)]
        forms = [{"AccountSid": ACCOUNT, "MessageSid": f"SM{uuid.uuid4().hex}", "SmsSid": "", "From": phone,
                  "To": hotline, "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"} for body in bodies]
        for form in forms:
            form["SmsSid"] = form["MessageSid"]
        if len(forms) == 1:
            self.post("sms_incoming", "/twilio/sms/incoming", forms[0], times=self.redeliveries(0.15))
        else:
            futures = [self.pool.submit(self.post, "sms_incoming", "/twilio/sms/incoming", form) for form in forms]
            for future in futures:
                future.result()

    def sms_status(self) -> None:
        """Delivery reports for a text the fake Twilio accepted a while ago, sometimes out of order, some
        twice; each message gets one final status (delivered, or undelivered with an error code)."""
        message = self.sent_messages.pick(self.rng)
        if message is None:
            time.sleep(0.05)
            return
        base = {"AccountSid": ACCOUNT, "MessageSid": message["sid"], "SmsSid": message["sid"], "To": message["to"],
                "From": message["from"], "ApiVersion": "2010-04-01"}
        final = {**base, "MessageStatus": fate(message["sid"])}
        if final["MessageStatus"] == "undelivered":
            final["ErrorCode"] = "30003"
        steps = [{**base, "MessageStatus": "sent"}, final]
        if self.rng.random() < 0.3:
            steps.reverse()
        for form in steps:
            self.post("sms_status", "/twilio/sms/status", form, times=self.redeliveries(0.2),
                      data={"status": form["MessageStatus"]})


class ApiClient:
    """An agent's integration: lists new and open cases, resolves some (its share of case ids) at ``rate``/s."""

    def __init__(self, number: int, of: int, port: int, recorder: Recorder, token: str, rate: float,
                 stop: threading.Event):
        self.number, self.of, self.port, self.recorder, self.stop = number, of, port, recorder, stop
        self.headers = {"Authorization": f"Bearer {token}"}
        self.pause = 1 / rate
        self.resolved: set[int] = set()

    def run(self) -> None:
        statuses = iter(("new", "open") * 1_000_000)
        while not self.stop.wait(self.pause):
            listing = self.recorder.request(self.port, "api_list", "GET", f"/api/v1/cases?status={next(statuses)}"
                                            "&limit=50", headers=self.headers)
            if not listing.ok:
                continue
            mine = [c["id"] for c in listing.data["answer"]["items"]
                    if c["id"] % self.of == self.number and c["id"] not in self.resolved]
            if not mine:
                continue
            case_id = mine[-1]  # the oldest of the page
            self.recorder.request(self.port, "api_resolve", "PATCH", f"/api/v1/cases/{case_id}",
                                  body={"status": "resolved"}, headers=self.headers, data={"case_id": case_id})
            self.resolved.add(case_id)
