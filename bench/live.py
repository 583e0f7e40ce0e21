"""Live workspace under load: N connected agent pages on the app as the Procfile runs it, the time from a
webhook's answer to its event arriving in every page, and what an idle connected page costs the server.

    .venv/bin/python bench/live.py [--pages 200] [--agents 40] [--rounds 30] [--idle 30]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--nodes 1|2]

A fresh database (an SQLite file in a temporary directory, or the PostgreSQL database given, whose schema is
dropped and rebuilt), one program, ``--agents`` agents each with ``--pages / --agents`` open pages (tabs);
``--nodes`` app nodes, each ``gunicorn --worker-class gthread --workers 2 --threads 128`` (the Procfile's), the
pages spread over them and webhooks sent to the first. Then:

1. the server's CPU time and memory (RSS of its processes) over ``--idle`` seconds with no page connected;
2. the pages connect (``GET /live/events`` each, a thread per page in this process reading its stream);
3. the same over ``--idle`` seconds with every page connected: the difference per page is its idle cost;
4. ``--rounds`` incoming calls (``POST /twilio/voice/incoming``, one every 0.5 s): for each, the time from the
   webhook's answer to the ``call`` event's arrival in each page; p50, p95, p99 and the maximum over all. The
   event carries the call's line of the call bar (rendered once per server process), so its arrival is what the
   page shows: the page fetches nothing more.

Exit 1 when the p95 is 1 s or more, or when a page missed an event. The machine's load average is printed:
on a busy machine the figures say little (re-run it quiet).
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.live_clients import (  # noqa: E402
    EventStream,
    free_port,
    node_environment,
    post_webhook,
    sign_in,
    start_node,
    wait_until_served,
)
from helpdesk import create_app  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from tests import factories  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def prepare_database(url: str | None, work_dir: Path) -> str:
    url = url or f"sqlite:///{work_dir / 'live.db'}"
    if url.startswith("postgresql"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        with app.app_context():
            db.engine.dispose()
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return url


def seed(url: str, agents: int) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        program = factories.program(name="Bench Rewards")
        program.business_hours, program.on_duty_numbers = {}, ["+48601000001"]
        facts = {"hotline": program.hotline_number,
                 "callers": [factories.participant(program).phone for _ in range(10)],
                 "agents": [factories.user(programs=[program]).email for _ in range(agents)]}
        db.session.commit()
        db.engine.dispose()
    return facts


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid] + [p for child in children for p in process_tree(int(child))]


def usage(pids: list[int]) -> tuple[float, int]:
    """CPU seconds used so far and resident memory (bytes), summed over the processes."""
    cpu, rss = 0.0, 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    return cpu, rss


def idle_cost(pids: list[int], seconds: float) -> tuple[float, int]:
    """CPU used per second of wall time over ``seconds``, and the memory at the end."""
    before, _ = usage(pids)
    time.sleep(seconds)
    after, rss = usage(pids)
    return (after - before) / seconds, rss


class Page(threading.Thread):
    """One open agent page: its stream, reconnected when the server process was full, every event noted."""

    def __init__(self, port: int, cookie: str):
        super().__init__(daemon=True)
        self.port, self.cookie = port, cookie
        self.connected = threading.Event()
        self.calls: list[float] = []
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            try:
                stream = EventStream(self.port, self.cookie, timeout=60)
                stream.connection.sock.settimeout(60)
                if stream.response.readline().startswith(b"retry: 10000"):  # the process was full: try again
                    stream.close()
                    time.sleep(0.1)
                    continue
                self.connected.set()
                while not self.stop:
                    event = stream.next_event()
                    if event.name == "call" and "data-call-id" in event.data:
                        self.calls.append(event.arrived)
            except (OSError, EOFError):
                time.sleep(0.1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--idle", type=float, default=30)
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="live-bench-"))
    url = prepare_database(args.database_url, work_dir)
    facts = seed(url, args.agents)
    env = node_environment(url)
    ports = [free_port() for _ in range(args.nodes)]
    nodes = [start_node(port, env, workers=2, threads=128, log=work_dir / f"node{n}.log")
             for n, port in enumerate(ports)]
    pages: list[Page] = []
    try:
        for port in ports:
            wait_until_served(port, 60)
        pids = [pid for node in nodes for pid in process_tree(node.pid)]
        print(f"database {url.split(':')[0]}, {args.nodes} node(s) x gunicorn gthread 2 workers x 128 threads, "
              f"load average {os.getloadavg()[0]:.2f}")
        cpu_empty, rss_empty = idle_cost(pids, args.idle)

        cookies = [(ports[n % len(ports)], sign_in(ports[n % len(ports)], email, factories.PASSWORD))
                   for n, email in enumerate(facts["agents"])]
        for n in range(args.pages):
            port, cookie = cookies[n % len(cookies)]
            pages.append(Page(port, cookie))
            pages[-1].start()
        deadline = time.monotonic() + 120
        for page in pages:
            if not page.connected.wait(max(0.0, deadline - time.monotonic())):
                raise SystemExit(f"only {sum(p.connected.is_set() for p in pages)} pages connected in 120 s")
        time.sleep(2)  # every process's feed has started
        cpu_full, rss_full = idle_cost(pids, args.idle)

        answers = []
        for round_number in range(args.rounds):
            call = {"CallSid": f"CA{round_number:032d}", "From": facts["callers"][round_number % 10],
                    "To": facts["hotline"], "CallStatus": "ringing"}
            answers.append(post_webhook(ports[0], "/twilio/voice/incoming", call))
            time.sleep(0.5)
        time.sleep(2)
        latencies, missed = [], 0
        for page in pages:
            arrivals = page.calls[-args.rounds:]
            missed += args.rounds - len(arrivals)
            latencies += [arrived - answered for arrived, answered in zip(arrivals, answers[-len(arrivals):],
                                                                          strict=True)]
    finally:
        for page in pages:
            page.stop = True
        for node in nodes:  # the streams would hold a graceful stop for its timeout: no need here
            os.killpg(node.pid, signal.SIGKILL)
            node.wait()

    per_page_cpu = (cpu_full - cpu_empty) / args.pages
    per_page_rss = (rss_full - rss_empty) / args.pages
    p95 = percentile(latencies, 0.95)
    print(f"idle, no page connected: {cpu_empty * 100:.2f} % of a core, {rss_empty / 2**20:.1f} MiB")
    print(f"idle, {args.pages} pages connected: {cpu_full * 100:.2f} % of a core, {rss_full / 2**20:.1f} MiB")
    print(f"per connected page: {per_page_cpu * 1e6:.0f} us CPU per second ({per_page_cpu * 100:.4f} % of a core), "
          f"{per_page_rss / 1024:.0f} KiB")
    print(f"webhook answer -> event in page, {len(latencies)} deliveries ({args.rounds} calls x {args.pages} pages): "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; missed {missed}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0 if p95 < 1.0 and missed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
