"""A loopback fake of Twilio's Messages API for the load bench, in a process of its own.

- ``POST /2010-04-01/Accounts/{sid}/Messages.json``: 201 with a new sid, and the message logged (To, From,
  Body, sid, when), as Twilio answers a message it queued. A fault mode set by the bench changes that:
  ``500`` answers 500 and keeps nothing; ``21610`` answers 400 with code 21610 (recipient unsubscribed) and
  keeps nothing; ``hang`` keeps the message (Twilio accepted it) but answers only after ``hang_seconds``,
  past the app's client timeout; ``hold`` does the same for the next message only and reports the sender's
  TCP port (the bench then kills that process mid-send).
- ``GET /2010-04-01/Accounts/{sid}/Messages.json?To=&From=&DateSent>=``: the messages it kept that match,
  one page in the JSON shape twilio-python 9.x parses (``messages`` plus the paging keys), each with its
  status: "sent", then after 2 s its :func:`fate`.
- ``DELETE /2010-04-01/Accounts/{sid}/Recordings/{RecordingSid}.json``: 204, the recording's sid logged (a
  participant's erasure, the retention purge).
- ``GET /_bench/log``: every message kept, every POST answered otherwise, every recording deleted;
  ``POST /_bench/mode`` with a JSON body ``{"mode": ..., "hang_seconds": ...}`` switches the mode;
  ``GET /_bench/held`` lists held senders' ports.
"""

import itertools
import json
import multiprocessing
import threading
import time
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MODES = ("ok", "500", "hang", "21610", "hold")


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.sids = itertools.count(1)
        self.kept: list[dict] = []  # messages Twilio accepted, in order
        self.refused: list[dict] = []  # POSTs answered with an error
        self.held: list[int] = []  # ports of senders whose answer was held (mode "hold")
        self.deleted: list[str] = []  # recordings deleted
        self.mode, self.hang_seconds = "ok", 5.0


STATE = _State()


class FakeTwilio(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as with api.twilio.com
    disable_nagle_algorithm = True

    def do_POST(self):  # noqa: N802  (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = urlsplit(self.path).path
        if path == "/_bench/mode":
            change = json.loads(body)
            with STATE.lock:
                STATE.mode = change["mode"]
                STATE.hang_seconds = float(change.get("hang_seconds", STATE.hang_seconds))
            return self._answer(200, {"mode": STATE.mode})
        if not path.endswith("/Messages.json"):
            return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        with STATE.lock:
            mode, hang = STATE.mode, STATE.hang_seconds
            if mode == "hold":
                STATE.mode = "ok"
                STATE.held.append(self.client_address[1])
            entry = {"to": form.get("To"), "from": form.get("From"), "body": form.get("Body"),
                     "at": time.time(), "mode": mode}
            if mode in ("500", "21610"):
                STATE.refused.append(entry)
            else:
                entry["sid"] = f"SM{next(STATE.sids):032d}"
                STATE.kept.append(entry)
        if mode == "500":
            return self._answer(500, {"code": 20500, "message": "Internal Server Error", "status": 500})
        if mode == "21610":
            return self._answer(400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                                      "status": 400})
        if mode in ("hang", "hold"):
            time.sleep(hang)  # the sender has given up (or been killed) by now
        self._answer(201, _resource(entry, "queued"))

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        with STATE.lock:
            if url.path == "/_bench/log":
                return self._answer(200, {"kept": STATE.kept, "refused": STATE.refused, "deleted": STATE.deleted})
            if url.path == "/_bench/held":
                return self._answer(200, {"held": STATE.held})
            kept = list(STATE.kept)
        if not url.path.endswith("/Messages.json"):
            return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        found = [_resource(m, fate(m["sid"]) if m["at"] < time.time() - 2 else "sent")
                 for m in reversed(kept) if _matches(m, query)]  # newest first, like Twilio
        self._answer(200, {"messages": found, "end": max(len(found) - 1, 0), "first_page_uri": url.path,
                           "next_page_uri": None, "page": 0, "page_size": len(found), "previous_page_uri": None,
                           "start": 0, "uri": self.path})

    def do_DELETE(self):  # noqa: N802
        path = urlsplit(self.path).path
        if "/Recordings/" not in path or not path.endswith(".json"):
            return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
        with STATE.lock:
            STATE.deleted.append(path.rsplit("/", 1)[1].removesuffix(".json"))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the sender timed out or was killed: Twilio does not care either

    def log_message(self, *args):
        pass


def _matches(message: dict, query: dict) -> bool:
    if query.get("To") not in (None, message["to"]) or query.get("From") not in (None, message["from"]):
        return False
    after = query.get("DateSent>") or query.get("DateSent>=")
    if after:
        sent = datetime.fromtimestamp(message["at"], UTC)
        since = datetime.fromisoformat(after.replace("Z", "+00:00"))
        if len(after) == 10:  # a date alone: the whole day counts, as on Twilio
            return sent.date() >= since.date()
        return sent >= (since if since.tzinfo else since.replace(tzinfo=UTC))
    return True


def fate(sid: str) -> str:
    """What becomes of a message, decided by its sid: one in ten is undelivered. The delivery reports the
    bench sends and the status this fake lists agree on it."""
    return "undelivered" if zlib.crc32(sid.encode()) % 10 == 0 else "delivered"


def _resource(message: dict, status: str) -> dict:
    moment = format_datetime(datetime.fromtimestamp(message["at"], UTC), usegmt=True)
    return {"sid": message["sid"], "account_sid": "", "to": message["to"], "from": message["from"],
            "body": message["body"], "status": status, "direction": "outbound-api", "date_created": moment,
            "date_sent": moment, "date_updated": moment, "num_segments": "1", "error_code": None,
            "error_message": None, "uri": f"/Messages/{message['sid']}.json"}


def _serve(port) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    server.daemon_threads = True
    port.value = server.server_port
    server.serve_forever()


def start() -> tuple[multiprocessing.Process, str]:
    """The fake in a child process; (process, base URL)."""
    port = multiprocessing.Value("i", 0)
    process = multiprocessing.Process(target=_serve, args=(port,), daemon=True)
    process.start()
    deadline = time.monotonic() + 10
    while not port.value and time.monotonic() < deadline:
        time.sleep(0.01)
    if not port.value:
        process.kill()
        raise RuntimeError("the fake Twilio did not start")
    return process, f"http://127.0.0.1:{port.value}"
