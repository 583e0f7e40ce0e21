"""Time the agents' write paths: a case opened through the web form and a case updated from its page.

    .venv/bin/python bench/write_paths.py [bench/data/write100k.db] [-n 200] [--seconds 15] [--clients 4]

Build the database first (100,000 cases): ``bench/generate.py bench/data/write100k.db --cases 100000
--participants 10000 --end 2026-11-23T17:00``. Cases written by the run stay in it.

1. In process, through the Flask test client signed in as an agent: ``POST /cases/new`` (a phone case for a
   known participant), ``POST /cases/<id>/update`` (the status, back and forth) and ``POST /cases/<id>/notes``;
   median and p95 wall time, and the SQL statements each request runs (counted with an engine event; BEGIN,
   COMMIT and ROLLBACK counted apart as transactions).
2. ``gunicorn -w 2`` on the same SQLite file: ``--clients`` processes, each signed in, post new cases for
   ``--seconds``, after one client alone did the same; create throughput at N clients against one client's,
   and the p50/p99 latency.

Exit 1 when a target is missed: create and update under 8 ms median, N clients at least 1.8x one client's
throughput, p99 under 250 ms.
"""

import argparse
import math
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from bench.run import AGENT, PASSWORD, TRANSACTION_CONTROL  # noqa: E402
from helpdesk import create_app  # noqa: E402
from helpdesk.cases.models import Case, Status  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402

WARMUP = 5
TARGET_MS = 8.0
TARGET_SCALING = 1.8
TARGET_P99_MS = 250.0
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass
class Result:
    name: str
    times: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    transactions: list[int] = field(default_factory=list)

    def row(self) -> str:
        return (f"{self.name:<28} {len(self.times):>4} {statistics.median(self.times):>9.2f} "
                f"{percentile(self.times, 0.95):>7.2f} {statistics.median(self.statements):>10g} "
                f"{statistics.median(self.transactions):>12g}")


class Counter:
    """SQL statements and transactions the app's engine runs."""

    def __init__(self, engine):
        self.statements = self.transactions = 0
        self.log: list[str] = []
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.transactions += statement.lstrip().upper().startswith("BEGIN")
        else:
            self.statements += 1
        self.log.append(" ".join(statement.split())[:160])

    def reset(self):
        self.statements = self.transactions = 0
        self.log = []


def sign_in(get, post) -> str:
    """Sign in through the login form; returns a CSRF token for the forms that follow."""
    token = CSRF.search(get("/login")).group(1)
    post("/login", {"email": AGENT, "password": PASSWORD, "csrf_token": token})
    return CSRF.search(get("/cases/new")).group(1)


# --- in process --------------------------------------------------------------------------------------------------

def subjects(app) -> tuple[list[int], list[int]]:
    """Participants of the first program to open cases for; open cases of the agent's programs to update."""
    with app.app_context():
        participants = list(db.session.scalars(select(Participant.id).where(Participant.program_id == 1)
                                               .order_by(Participant.id).limit(500)))
        cases = list(db.session.scalars(select(Case.id).where(Case.status.in_([Status.OPEN,
                                                                                Status.PENDING_PARTICIPANT]))
                                        .order_by(Case.id.desc()).limit(50)))
    return participants, cases


def in_process(path: Path, n: int, show_sql: bool) -> list[Result]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        counter = Counter(db.engine)
    participants, cases = subjects(app)
    client = app.test_client()
    csrf = sign_in(lambda url: client.get(url).get_data(as_text=True),
                   lambda url, data: client.post(url, data=data))
    status = dict.fromkeys(cases)
    with app.app_context():
        for case in db.session.scalars(select(Case).where(Case.id.in_(cases))):
            status[case.id] = case.status
    counts = iter(range(10**9))

    def create():
        i = next(counts)
        return "/cases/new", {"csrf_token": csrf, "program": "AURORA", "participant_id": participants[i % 500],
                              "channel": "phone", "category": "points", "priority": "normal",
                              "subject": f"Bench case {i}", "description": "Points missing after a purchase."}

    def update():
        case_id = cases[next(counts) % len(cases)]
        new = Status.OPEN if status[case_id] == Status.PENDING_PARTICIPANT else Status.PENDING_PARTICIPANT
        status[case_id] = new
        return f"/cases/{case_id}/update", {"csrf_token": csrf, "status": new.value, "priority": "normal",
                                            "assignee": _assignee(app, case_id)}

    def note():
        case_id = cases[next(counts) % len(cases)]
        return f"/cases/{case_id}/notes", {"csrf_token": csrf, "body": "Called back, left a message."}

    results = []
    for name, request in (("POST /cases/new", create), ("POST /cases/<id>/update", update),
                          ("POST /cases/<id>/notes", note)):
        result = Result(name)
        for i in range(WARMUP + n):
            url, data = request()
            counter.reset()
            started = time.perf_counter()
            response = client.post(url, data=data)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                sys.exit(f"{name}: HTTP {response.status_code}\n{response.get_data(as_text=True)[:2000]}")
            if i >= WARMUP:
                result.times.append(elapsed)
                result.statements.append(counter.statements)
                result.transactions.append(counter.transactions)
        if show_sql:
            print(f"\n== {name}: the last request's SQL\n  " + "\n  ".join(counter.log))
        results.append(result)
    return results


_assignees: dict[int, str] = {}


def _assignee(app, case_id: int) -> str:
    """The case's current assignee as the form posts it (so the update changes the status only)."""
    if case_id not in _assignees:
        with app.app_context():
            _assignees[case_id] = str(db.session.get(Case, case_id).assignee_id or "")
    return _assignees[case_id]


# --- under gunicorn ----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(path: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench-secret"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "helpdesk:create_app()"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/login", timeout=10)
            return server, base
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def client_loop(base: str, participant_ids: list[int], seconds: float, start_at: float, queue) -> None:
    """One agent posting new cases as fast as the server answers; puts (latencies ms, failures), or the error
    that stopped it."""
    try:
        queue.put(_posting(base, participant_ids, seconds, start_at))
    except Exception as exc:  # reported by the parent, which would otherwise wait for ever
        queue.put(exc)


def _posting(base: str, participant_ids: list[int], seconds: float, start_at: float) -> tuple[list[float], int]:
    session = requests.Session()
    csrf = sign_in(lambda url: session.get(base + url).text,
                   lambda url, data: session.post(base + url, data=data, allow_redirects=False))
    time.sleep(max(start_at - time.time(), 0))
    latencies, failures, i = [], 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        i += 1
        data = {"csrf_token": csrf, "program": "AURORA", "participant_id": participant_ids[i % len(participant_ids)],
                "channel": "phone", "category": "points", "priority": "normal", "subject": f"Load case {i}"}
        started = time.perf_counter()
        response = session.post(base + "/cases/new", data=data, allow_redirects=False)
        latencies.append((time.perf_counter() - started) * 1000)
        failures += response.status_code != 302
    return latencies, failures


def load(base: str, participants: list[int], clients: int, seconds: float) -> tuple[float, list[float], int]:
    queue = multiprocessing.Queue()
    start_at = time.time() + 2  # every client signed in before the clock starts
    processes = [multiprocessing.Process(target=client_loop, args=(base, participants[k::clients], seconds,
                                                                   start_at, queue)) for k in range(clients)]
    for process in processes:
        process.start()
    latencies, failures = [], 0
    for _ in processes:
        answer = queue.get(timeout=seconds + 60)
        if isinstance(answer, Exception):
            sys.exit(f"a client failed: {answer!r}")
        got, failed = answer
        latencies += got
        failures += failed
    for process in processes:
        process.join()
    return len(latencies) / seconds, latencies, failures


def under_gunicorn(path: Path, workers: int, clients: int, seconds: float) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    participants, _ = subjects(app)
    server, base = start_gunicorn(path, workers)
    try:
        one, one_latencies, one_failed = load(base, participants, 1, seconds)
        many, latencies, failed = load(base, participants, clients, seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return {"one": one, "one_p50": statistics.median(one_latencies), "one_p99": percentile(one_latencies, 0.99),
            "many": many, "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99),
            "failed": one_failed + failed}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=ROOT / "bench" / "data" / "write100k.db")
    parser.add_argument("-n", type=int, default=200, help="timed requests of each kind in process")
    parser.add_argument("--seconds", type=float, default=15, help="how long each load phase lasts")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-load", action="store_true", help="only the in-process part")
    parser.add_argument("--sql", action="store_true", help="print the SQL of the last request of each kind")
    args = parser.parse_args(argv)
    if not args.path.exists():
        sys.exit(f"{args.path} does not exist: run bench/generate.py first (see this script's docstring)")
    results = in_process(args.path.resolve(), args.n, args.sql)
    print(f"\n{args.path}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'request':<28} {'n':>4} {'median ms':>9} {'p95 ms':>7} {'statements':>10} {'transactions':>12}")
    for result in results:
        print(result.row())
    missed = [r.name for r in results[:2] if statistics.median(r.times) >= TARGET_MS]
    if not args.no_load:
        figures = under_gunicorn(args.path.resolve(), args.workers, args.clients, args.seconds)
        scaling = figures["many"] / figures["one"]
        print(f"\ngunicorn -w {args.workers}, POST /cases/new for {args.seconds:g} s:\n"
              f"  1 client:  {figures['one']:.1f} creates/s, p50 {figures['one_p50']:.1f} ms, "
              f"p99 {figures['one_p99']:.1f} ms\n"
              f"  {args.clients} clients: {figures['many']:.1f} creates/s ({scaling:.2f}x), "
              f"p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms; {figures['failed']} not answered 302")
        if scaling < TARGET_SCALING:
            missed.append(f"{args.clients} clients {scaling:.2f}x one client's throughput")
        if figures["p99"] >= TARGET_P99_MS:
            missed.append(f"p99 {figures['p99']:.0f} ms")
        if figures["failed"]:
            missed.append(f"{figures['failed']} failed requests")
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
