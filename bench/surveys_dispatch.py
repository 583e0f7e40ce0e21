"""Time dispatching 10,000 due surveys to a loopback fake of Twilio's REST API, on SQLite.

    .venv/bin/python bench/surveys_dispatch.py [bench/data/dispatch.db] [--surveys 10000] [--processes 1]
                                               [--latency-ms 0] [--budget-s 60]

Builds a fresh database with the real migrations: one program, one participant and one resolved case per
survey, every survey scheduled and due. A threaded HTTP server on 127.0.0.1, in a process of its own, answers
the real twilio Client like Twilio does (201 with a message sid, after --latency-ms). With --processes 1 the
dispatcher runs in-process; with more, that many ``flask --app wsgi surveys dispatch`` processes run at once on the same
database. Afterwards every survey must be sent, each participant texted exactly once and the dashboard's
totals must agree. Exits 1 when a check fails or the run is over budget.
"""

import argparse
import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import Role, User  # noqa: E402
from helpdesk.cases.models import Case, Channel, Priority, Status  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.jobs.surveys import dispatch_due_surveys  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402
from helpdesk.programs.models import DEFAULT_BUSINESS_HOURS, DEFAULT_SLA_TARGETS, Program  # noqa: E402
from helpdesk.surveys.models import Survey, SurveyDay, SurveyStatus  # noqa: E402

ACCOUNT = "ACbench00000000000000000000000000"
TOKEN = "bench-auth-token"
BATCH = 5_000


class FakeTwilio(BaseHTTPRequestHandler):
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` → 201, as Twilio answers a message it queued;
    ``GET /sent`` → how many texts each number got. Runs in a process of its own, like the real service."""

    sent: Counter = Counter()
    lock = threading.Lock()
    sids = itertools.count(1)
    latency = 0.0
    protocol_version = "HTTP/1.1"  # keep-alive, as with api.twilio.com
    disable_nagle_algorithm = True  # headers and body leave at once, as from a real server

    def do_POST(self):  # noqa: N802  (http.server's naming)
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            self.sent[form["To"][0]] += 1
            sid = f"SM{next(self.sids):032d}"
        self._answer(201, {"sid": sid, "status": "queued", "account_sid": ACCOUNT, "to": form["To"][0]})

    def do_GET(self):  # noqa: N802
        with self.lock:
            self._answer(200, dict(self.sent))

    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_fake_twilio(port, latency: float) -> None:
    FakeTwilio.latency = latency
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    port.value = server.server_port
    server.serve_forever()


def start_fake_twilio(latency: float) -> tuple[multiprocessing.Process, str]:
    port = multiprocessing.Value("i", 0)
    process = multiprocessing.Process(target=serve_fake_twilio, args=(port, latency), daemon=True)
    process.start()
    while not port.value:
        time.sleep(0.01)
    return process, f"http://127.0.0.1:{port.value}"


def config(path: Path, base_url: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": base_url, "SURVEY_QUIET_HOURS": ""}


def build(app, surveys: int) -> None:
    now = datetime.now(UTC)
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(insert(Program), [{
            "id": 1, "code": "AURORA", "name": "Aurora Rewards", "hotline_number": "+48221234567",
            "timezone": "Europe/Warsaw", "locale": "pl", "business_hours": DEFAULT_BUSINESS_HOURS,
            "sla_targets": DEFAULT_SLA_TARGETS, "last_case_number": surveys, "created_at": now}])
        db.session.execute(insert(User), [{"id": 1, "email": "agent@bench.test", "name": "Agent", "role": Role.AGENT,
                                           "password_hash": "-", "created_at": now}])
        for first in range(1, surveys + 1, BATCH):
            ids = range(first, min(first + BATCH, surveys + 1))
            db.session.execute(insert(Participant), [{
                "id": i, "program_id": 1, "external_id": f"M{i:07d}", "first_name": "Ewa", "last_name": f"Lis{i}",
                "first_name_key": "ewa", "last_name_key": f"lis{i}", "phone": f"+4860{i:07d}", "locale": "pl",
                "created_at": now, "updated_at": now} for i in ids])
            db.session.execute(insert(Case), [{
                "id": i, "program_id": 1, "participant_id": i, "number": i, "channel": Channel.PHONE,
                "category": "points", "subject": "Bench case", "description": "", "status": Status.RESOLVED,
                "is_open": False, "priority": Priority.NORMAL, "assignee_id": 1, "created_at": now,
                "updated_at": now, "resolved_at": now, "first_response_at": now} for i in ids])
            db.session.execute(insert(Survey), [{
                "id": i, "case_id": i, "program_id": 1, "participant_id": i, "agent_id": 1, "category": "points",
                "locale": "pl", "status": SurveyStatus.SCHEDULED, "due_at": now - timedelta(minutes=1),
                "created_at": now, "re_asked": False} for i in ids])
            db.session.commit()


def dispatch(app, path: Path, base_url: str, processes: int) -> None:
    if processes == 1:
        with app.app_context():
            print(dispatch_due_surveys().summary())
        return
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "TWILIO_ACCOUNT_SID": ACCOUNT,
           "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": base_url, "SURVEY_QUIET_HOURS": ""}
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "surveys", "dispatch"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for _ in range(processes)]
    for worker in workers:
        output, _ = worker.communicate()
        print(output.strip().splitlines()[-1] if worker.returncode == 0 else output)


def check(app, surveys: int, base_url: str) -> list[str]:
    with app.app_context():
        statuses = Counter(db.session.scalars(select(Survey.status)))
        counted = db.session.scalar(select(func.sum(SurveyDay.sent)).where(SurveyDay.dimension == "all"))
    problems = []
    if statuses != {SurveyStatus.SENT: surveys}:
        problems.append(f"survey statuses: {dict(statuses)}")
    if counted != surveys:
        problems.append(f"dashboard counts {counted} sent")
    with urllib.request.urlopen(f"{base_url}/sent", timeout=10) as response:
        sent = json.load(response)
    texted = Counter(sent.values())
    if sum(sent.values()) != surveys or set(texted) != {1}:
        problems.append(f"texts per participant: {dict(texted)} over {len(sent)} participants")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "bench" / "data" / "dispatch.db"))
    parser.add_argument("--surveys", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--budget-s", type=float, default=60)
    args = parser.parse_args()
    path = Path(args.path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    fake, base_url = start_fake_twilio(args.latency_ms / 1000)
    app = create_app(config(path, base_url))
    build(app, args.surveys)

    started, cpu = time.perf_counter(), time.process_time()
    dispatch(app, path, base_url, args.processes)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    problems = check(app, args.surveys, base_url)
    fake.terminate()
    print(f"{args.surveys:,} surveys by {args.processes} dispatcher(s), gateway latency {args.latency_ms:g} ms: "
          f"{elapsed:.1f} s ({args.surveys / elapsed:,.0f} surveys/s, {cpu:.1f} s CPU in this process); "
          f"budget {args.budget_s:g} s -> "
          f"{'OVER' if elapsed > args.budget_s else 'ok'}")
    for problem in problems:
        print(f"FAILED CHECK: {problem}")
    return 1 if problems or elapsed > args.budget_s else 0


if __name__ == "__main__":
    sys.exit(main())
