"""Load and fault test: the app as deployed (gunicorn, worker processes) under Twilio's webhooks and agents'
API calls, on SQLite or PostgreSQL; then nothing may be lost or doubled.

    .venv/bin/python bench/load.py [--db sqlite|postgresql] [--clients 16] [--duration 60] [--nodes 2]
        [--kill-worker | --pg-restart | --sqlite-lock SECONDS | --gateway 500|hang|21610]

Starts a fake Twilio on 127.0.0.1 (bench/fake_twilio.py), a fresh database (a SQLite file, or a private
PostgreSQL server in a temporary directory; ``--database-url`` uses an existing PostgreSQL database instead,
whose schema it drops), migrated with ``flask db upgrade`` and filled with generate.py's programs, staff and
500 participants, then ``gunicorn -w 4`` and two ``flask worker`` processes. ``--nodes 2`` (PostgreSQL only) runs
two app nodes instead, each a gunicorn of its own on its own port with half the processes (``-w 2``), and the
clients spread over them (client i talks to node i mod 2), as a load balancer would. N clients send signed webhooks
(calls with menu choice and status callbacks, in and out of order, some redelivered at once; texts from the
participants, some two at once, some survey answers, a few STOP/START; delivery reports for texts sent,
some out of order) and API clients resolve cases, which schedules satisfaction surveys (SURVEY_DELAY_MINUTES=0,
no quiet hours) that the workers send through the fake. One fault, if asked, is injected at 40 % of the run.

Then the run drains: the workers finish what is due; they are stopped, every lease, backoff and filing retry
still ahead is moved to now (as if that time had passed) and ``flask worker --once`` runs until nothing is left.
The checks (bench/load_checks.py) read the database and the fake's log. Prints throughput, p50/p95/p99 per
request kind, every failure and every problem; exits 1 when anything failed (5xx answers in a --pg-restart
window and requests cut by a killed gunicorn worker are listed apart and tolerated).
"""

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import or_, select, update  # noqa: E402

from bench import fake_twilio, load_checks  # noqa: E402
from bench.load_clients import ACCOUNT, PUBLIC_BASE_URL, TOKEN, ApiClient, Recorder, WebhookClient  # noqa: E402
from bench.load_setup import (  # noqa: E402
    ExistingPostgres,
    PrivatePostgres,
    Processes,
    SqliteDatabase,
    free_port,
    migrate,
    populate,
    wait_until_served,
)
from helpdesk import create_app  # noqa: E402
from helpdesk.database import utcnow  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.surveys.models import Survey, SurveyStatus  # noqa: E402
from helpdesk.telephony.models import Message  # noqa: E402

WORKERS = ("worker1", "worker2")
FAULT_AT = 0.4  # of the run
TWILIO_TIMEOUT = 3  # seconds; --gateway hang answers after twice that
MAX_DRAIN_ROUNDS = 8


class FakeLog:
    """The fake Twilio's log, fetched every second: the delivery-report clients pick texts from it."""

    def __init__(self, base_url: str):
        self.base_url, self.kept, self.lock = base_url, [], threading.Lock()

    def fetch(self) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/_bench/log", timeout=10) as answer:
            return json.load(answer)

    def poll(self, stop: threading.Event) -> None:
        while not stop.wait(1):
            kept = self.fetch()["kept"]
            with self.lock:
                self.kept = kept

    def pick(self, rng) -> dict | None:
        """A text accepted over 2 s ago (its sending worker has recorded it by then, unless faults say no)."""
        with self.lock:
            ready = [m for m in self.kept if m["at"] < time.time() - 2]
        return rng.choice(ready) if ready else None

    def set_mode(self, mode: str, hang_seconds: float = 2 * TWILIO_TIMEOUT) -> None:
        request = urllib.request.Request(f"{self.base_url}/_bench/mode", method="POST",
                                         data=json.dumps({"mode": mode, "hang_seconds": hang_seconds}).encode())
        urllib.request.urlopen(request, timeout=10).close()

    def held_ports(self) -> list[int]:
        with urllib.request.urlopen(f"{self.base_url}/_bench/held", timeout=10) as answer:
            return json.load(answer)["held"]


# --- faults -------------------------------------------------------------------------------------------------------

class Fault:
    """The fault's window (monotonic start, end) and what it did, for the report."""

    def __init__(self, args, database, processes: Processes, env: dict, fake: FakeLog):
        self.args, self.database, self.processes, self.env, self.fake = args, database, processes, env, fake
        self.window: tuple[float, float] | None = None
        self.notes: list[str] = []
        self.killed_at: float | None = None
        self.run_started = time.monotonic()

    @property
    def name(self) -> str | None:
        a = self.args
        return ("kill-worker" if a.kill_worker else "pg-restart" if a.pg_restart else
                f"sqlite-lock {a.sqlite_lock:g}s" if a.sqlite_lock else f"gateway {a.gateway}" if a.gateway else None)

    def run(self, stop: threading.Event) -> None:
        self.run_started = time.monotonic()
        if self.name is None or stop.wait(self.args.duration * FAULT_AT):
            return
        started = time.monotonic()
        if self.args.kill_worker:
            self._kill_worker(stop)
        elif self.args.pg_restart:
            self.database.restart()
        elif self.args.sqlite_lock:
            lock = sqlite3.connect(self.database.path, isolation_level=None)
            lock.execute("BEGIN IMMEDIATE")
            time.sleep(self.args.sqlite_lock)
            lock.execute("ROLLBACK")
            lock.close()
        else:
            self.fake.set_mode(self.args.gateway)
            stop.wait(self.args.fault_seconds)
            self.fake.set_mode("ok")
        self.window = (started, time.monotonic())
        self.notes.append(f"fault {self.name}: {self.window[1] - started:.1f} s, "
                          f"from {started - self.run_started:.1f} s into the run")

    def _kill_worker(self, stop: threading.Event) -> None:
        """SIGKILL the worker that is sending a text (the fake holds its answer), start another; and SIGKILL one
        gunicorn worker, which gunicorn replaces."""
        self.fake.set_mode("hold")
        deadline, ports = time.monotonic() + 20, []
        while not ports and time.monotonic() < deadline and not stop.is_set():
            time.sleep(0.05)
            ports = self.fake.held_ports()
        victim = next((name for name in WORKERS if ports and _owns_port(self.processes.running[name].pid, ports[0])),
                      WORKERS[0])
        os.kill(self.processes.running[victim].pid, signal.SIGKILL)
        self.killed_at = time.monotonic()
        self.notes.append(f"SIGKILL {victim} ({'mid-send' if ports else 'no send seen in 20 s'}), restarted")
        self.processes.running[victim].wait()
        self.processes.start(victim, worker_argv(), self.env)
        children = _children(self.processes.running["gunicorn"].pid)
        if children:
            os.kill(children[0], signal.SIGKILL)
            self.notes.append(f"SIGKILL gunicorn worker {children[0]} (gunicorn starts another)")
        self.fake.set_mode("ok")

    def excused(self, sent) -> bool:
        """A 5xx during a PostgreSQL restart, or a request cut off by the killed gunicorn worker."""
        if self.args.pg_restart and self.window and (sent.status >= 500 or sent.status == 0):
            return sent.ended >= self.window[0] and sent.started <= self.window[1] + 1
        if self.killed_at is not None and sent.status == 0:
            return sent.started <= self.killed_at <= sent.ended + 0.5
        return False


def _owns_port(pid: int, port: int) -> bool:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) in inodes:
                return True
        except OSError:
            continue
    return False


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


# --- the run ------------------------------------------------------------------------------------------------------

def node_name(node: int) -> str:
    return "gunicorn" if node == 0 else f"gunicorn-node{node + 1}"


def worker_argv(*extra: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--interval", "1", *extra]


def app_env(url: str, fake_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load-bench", "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": fake_url, "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_TIMEOUT": str(TWILIO_TIMEOUT), "SURVEY_DELAY_MINUTES": "0", "SURVEY_QUIET_HOURS": "",
            "HELPDESK_ENV": "production"}


def due_work() -> int:
    now = utcnow()
    messages = db.session.scalar(select(db.func.count()).where(
        Message.status.in_(("pending", "sending", "received")), Message.next_attempt_at <= now))
    surveys = db.session.scalar(select(db.func.count()).where(or_(
        Survey.status == SurveyStatus.SENDING, (Survey.status == SurveyStatus.SCHEDULED) & (Survey.due_at <= now))))
    db.session.rollback()
    return messages + surveys


def drain(processes: Processes, env: dict, seconds: float) -> list[str]:
    """Let the workers finish what is due; then, with them stopped, move every wait still ahead (leases,
    backoffs, filing retries) to now and run single passes until nothing is left."""
    deadline, quiet = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and quiet < 2:
        quiet = quiet + 1 if due_work() == 0 else 0
        time.sleep(1)
    for name in WORKERS:
        processes.stop(name, timeout=30)
    notes = []
    for round_number in range(1, MAX_DRAIN_ROUNDS + 1):
        moved = db.session.execute(
            update(Message).where(Message.status.in_(("pending", "sending", "received")),
                                  Message.next_attempt_at > utcnow())
            .values(next_attempt_at=utcnow()).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if moved:
            notes.append(f"drain round {round_number}: {moved} waits (lease, backoff, filing retry) moved to now")
        if not moved and not due_work():
            break
        with open(processes.log_dir / "drain.log", "ab") as log:
            done = subprocess.run(worker_argv("--once"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  timeout=300)
        if done.returncode:
            notes.append(f"drain round {round_number}: flask worker --once failed (see drain.log)")
    return notes


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return " ".join(f"{v:8.1f}" for v in (values or [0]) * 3)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return f"{q[49]:8.1f} {q[94]:8.1f} {q[98]:8.1f}"


def report(sent, elapsed: float, fault: Fault, problems: dict[str, list[str]], counts: dict, notes: list[str],
           log_dir: Path, gave_up: Counter) -> int:
    print(f"\n{len(sent):,} requests in {elapsed:.1f} s: {len(sent) / elapsed:,.1f} requests/s "
          f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'kind':16} {'count':>7} {'non-2xx':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    by_kind = defaultdict(list)
    for s in sent:
        by_kind[s.kind].append(s)
    for kind, items in [*sorted(by_kind.items()), ("all", sent)]:
        print(f"{kind:16} {len(items):7,} {sum(not s.ok for s in items):8} {percentiles([s.ms for s in items])}")
    nodes = Counter(s.port for s in sent)
    if len(nodes) > 1:
        print("answered per app node (port): " + ", ".join(f"{port} {n:,}" for port, n in sorted(nodes.items())))
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    for note in fault.notes + notes:
        print(note)
    failed = [s for s in sent if not s.ok]
    excused = [s for s in failed if fault.excused(s)]
    counted = [s for s in failed if not fault.excused(s)]
    for title, items in (("FAILED REQUESTS", counted), ("tolerated (in the fault's window)", excused)):
        if items:
            groups = Counter((s.kind, s.status, s.error[:90]) for s in items)
            print(f"\n{title}: {len(items)}")
            for (kind, status, error), n in groups.most_common():
                print(f"  {n:5} x {kind} -> {status or 'no answer'} {error}")
    if fault.window and counted:
        during = [s for s in counted if s.ended >= fault.window[0] and s.started <= fault.window[1] + 2]
        print(f"  of which {len(during)} during the fault (or within 2 s after it), {len(counted) - len(during)} "
              "outside it")
    if gave_up:
        print("outbound texts given up on, by error code: " + ", ".join(f"{c}: {n}" for c, n in gave_up.items()))
    for check, found in problems.items():
        print(f"\n{check}: {'ok' if not found else f'{len(found)} PROBLEMS'}")
        for line in found[:25]:
            print(f"  {line}")
        if len(found) > 25:
            print(f"  … and {len(found) - 25} more")
    tracebacks = {p.name: p.read_text(errors="replace").count("Traceback") for p in sorted(log_dir.glob("*.log"))}
    print("tracebacks in the logs: " + ", ".join(f"{k} {v}" for k, v in tracebacks.items()) + f" ({log_dir})")
    ok = not counted and not any(problems.values())
    print("\nRESULT: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="an existing PostgreSQL database to use (its schema is dropped)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--api-clients", type=int, default=2)
    parser.add_argument("--api-rate", type=float, default=5, help="case listings per second per API client")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--drain", type=float, default=60, help="seconds the workers get to finish after the run")
    parser.add_argument("--nodes", type=int, choices=(1, 2, 3, 4), default=1,
                        help="app nodes (gunicorn instances on their own ports), the clients spread across them")
    faults = parser.add_mutually_exclusive_group()
    faults.add_argument("--kill-worker", action="store_true")
    faults.add_argument("--pg-restart", action="store_true")
    faults.add_argument("--sqlite-lock", type=float, metavar="SECONDS")
    faults.add_argument("--gateway", choices=("500", "hang", "21610"))
    parser.add_argument("--fault-seconds", type=float, default=10, help="how long --gateway lasts")
    args = parser.parse_args()
    args.db = "postgresql" if args.database_url else args.db
    if args.pg_restart and args.db != "postgresql" or args.sqlite_lock and args.db != "sqlite":
        parser.error("--pg-restart needs --db postgresql, --sqlite-lock needs --db sqlite")
    if args.nodes > 1 and args.db != "postgresql":
        parser.error("--nodes needs --db postgresql: machines do not share an SQLite file")

    work_dir = ROOT / "bench" / "data" / f"load-{args.db}-{datetime.now():%Y%m%d-%H%M%S}"
    work_dir.mkdir(parents=True)
    processes, database, fake_process = Processes(work_dir), None, None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a shell's background job starts with it ignored
        signal.signal(signum, signal.default_int_handler)
    try:
        fake_process, fake_url = fake_twilio.start()
        fake = FakeLog(fake_url)
        database = (SqliteDatabase(work_dir) if args.db == "sqlite" else
                    ExistingPostgres(args.database_url) if args.database_url else PrivatePostgres(work_dir))
        database.reset()
        env = app_env(database.url, fake_url)
        migrate(env)
        token, people = populate(database.url, args.participants)
        ports = [free_port() for _ in range(args.nodes)]
        for node, port in enumerate(ports):  # the first is "gunicorn", whose worker --kill-worker may kill
            processes.start(node_name(node), [sys.executable, "-m", "gunicorn", "-w", str(4 // args.nodes),
                                              "-b", f"127.0.0.1:{port}", "wsgi:app"], env)
        for name in WORKERS:
            processes.start(name, worker_argv(), env)
        for node, port in enumerate(ports):
            if not wait_until_served(port, 90):
                raise SystemExit(f"gunicorn did not start: see {work_dir / f'{node_name(node)}.log'}")
        print(f"{args.db}, {args.nodes} app node(s), {args.clients} clients + {args.api_clients} API clients for "
              f"{args.duration:g} s, "
              f"fault: {'none' if not (f := Fault(args, database, processes, env, fake)).name else f.name}; "
              f"logs in {work_dir}", flush=True)

        recorder = Recorder()
        threads = [threading.Thread(target=fake.poll, args=(stop,), daemon=True),
                   threading.Thread(target=f.run, args=(stop,), daemon=True)]
        threads += [threading.Thread(target=WebhookClient(i, ports[i % args.nodes], recorder, people, fake, stop).run,
                                     daemon=True) for i in range(args.clients)]
        threads += [threading.Thread(target=ApiClient(i, args.api_clients, ports[i % args.nodes], recorder, token,
                                                      args.api_rate, stop).run, daemon=True)
                    for i in range(args.api_clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        stop.wait(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started

        app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "load-bench"})
        with app.app_context():
            notes = drain(processes, env, args.drain)
            log = fake.fetch()
            kept = log["kept"]
            sent = recorder.sent
            problems = {"calls": load_checks.check_calls(sent), "texts in": load_checks.check_texts(sent),
                        "texts out (fake Twilio's log)": load_checks.check_outbound(kept),
                        "surveys": load_checks.check_surveys(sent),
                        "delivery reports": load_checks.check_delivery_reports(sent)}
            counts = {**load_checks.summary_counts(), "accepted by the fake Twilio": len(kept),
                      "refused by it": len(log["refused"])}
            gave_up = load_checks.outbound_failures()
            db.session.remove()
            db.engine.dispose()
        return report(sent, elapsed, f, problems, counts, notes, work_dir, gave_up)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        stop.set()
        processes.stop_all()
        if fake_process is not None:
            fake_process.kill()
        if database is not None:
            database.close()


if __name__ == "__main__":
    sys.exit(main())
