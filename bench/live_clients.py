"""What the live workspace's bench and its two-node test need: app nodes as deployed (gunicorn with gthread
workers, as in the Procfile), a signed-in agent, an agent page's event stream and Twilio's signed webhooks."""

import http.client
import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "live-bench-auth-token"
ACCOUNT = "ACbench00000000000000000000000000"
USER_AGENT = "live-bench/1"  # the same on every request of a session (its protection checks the browser's)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_environment(database_url: str, **extra) -> dict:
    """A production node's environment (no development shortcuts) on ``database_url``."""
    import os

    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "live-bench-secret-key-0123456789",
            "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
            "HELPDESK_ENV": "production", **extra}


def start_node(port: int, env: dict, *, workers: int = 1, threads: int = 16, log: Path | None = None
               ) -> subprocess.Popen:
    """``gunicorn`` with gthread workers on 127.0.0.1:``port``, as the Procfile runs it."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115  (the child writes it until it ends)
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers",
                             str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_served(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def sign_in(port: int, email: str, password: str) -> str:
    """The Cookie header of a session signed in through the real sign-in form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    with opener.open(base + "/login", data=form, timeout=30) as response:
        if response.url.endswith("/login"):
            raise RuntimeError(f"{email} could not sign in")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def post_webhook(port: int, path: str, params: dict) -> float:
    """A webhook as Twilio sends it, signed over the node's URL; the moment its answer arrived."""
    url = f"http://127.0.0.1:{port}{path}"
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers={
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params)})
    with urllib.request.urlopen(request, timeout=15) as response:
        response.read()
        if response.status not in (200, 204):
            raise RuntimeError(f"{path} answered {response.status}")
    return time.monotonic()


@dataclass
class Event:
    name: str
    id: str | None
    data: str
    arrived: float


class EventStream:
    """An agent page's EventSource, read line by line: ``next_event()`` is the next event (heartbeat comments
    are skipped), with the moment it arrived."""

    def __init__(self, port: int, cookie: str, *, last_event_id: str | None = None, timeout: float = 20):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {"Cookie": cookie, "Accept": "text/event-stream", "User-Agent": USER_AGENT}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/live/events", headers=headers)
        self.response = self.connection.getresponse()
        kind = self.response.getheader("Content-Type", "")
        if self.response.status != 200 or not kind.startswith("text/event-stream"):
            raise RuntimeError(f"/live/events answered {self.response.status} {kind}")
        self.last_id: str | None = last_event_id

    def next_event(self) -> Event:
        name, event_id, data = "message", None, []
        while True:
            line = self.response.readline()
            if not line:
                raise EOFError("the stream ended")
            line = line.decode().rstrip("\n")
            if line == "":
                if data or event_id or name != "message":
                    if event_id:
                        self.last_id = event_id
                    return Event(name, event_id, "\n".join(data), time.monotonic())
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "id":
                event_id = value
            elif field == "data":
                data.append(value)

    def wait_for(self, name: str, seconds: float) -> Event:
        """The next event called ``name`` within ``seconds`` (others are passed over), else TimeoutError."""
        deadline = time.monotonic() + seconds
        self.connection.sock.settimeout(seconds)
        while True:
            event = self.next_event()
            if event.name == name:
                return event
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {name!r} event within {seconds} s")

    def close(self) -> None:
        self.connection.close()
