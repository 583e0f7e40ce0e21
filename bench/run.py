"""Time the agents' busiest look-ups on the benchmark database: median and p95 against a budget.

    .venv/bin/python bench/run.py [bench/data/bench.db] [-n 30] [--budget-ms 50] [--depth 2000]

Pages are requested through the Flask test client after signing in through the /login form; the service
calls behind them are timed directly as well. Every SQL statement of each look-up is shown with its
EXPLAIN QUERY PLAN, marking full scans and temporary B-tree sorts. Exits 1 when a median is over budget.
"""

import argparse
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import phonenumbers  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import User  # noqa: E402
from helpdesk.cases.models import Case, CaseEvent  # noqa: E402
from helpdesk.cases.queues import CaseFilters, list_cases, queue_query  # noqa: E402
from helpdesk.cases.search import search  # noqa: E402
from helpdesk.cases.services import get_case  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.pagination import encode_cursor  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402

AGENT = "agent01@bench.test"
PASSWORD = "bench-password"
WARMUP = 3
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Result:
    name: str
    status: str = "ok"
    times: list[float] = field(default_factory=list)  # wall clock, ms
    cpu: list[float] = field(default_factory=list)  # this process's CPU time, ms: what other load cannot inflate
    statements: list[tuple[str, tuple]] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def p95(self) -> float | None:
        return sorted(self.times)[math.ceil(0.95 * len(self.times)) - 1] if self.times else None


class StatementLog:
    """Records the SQL an engine runs while ``recording`` is on."""

    def __init__(self, engine):
        self.recording, self.statements = False, []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.recording and not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements.append((statement, tuple(parameters or ())))

    def capture(self, fn):
        self.recording, self.statements = True, []
        try:
            fn()
        finally:
            self.recording = False
        return self.statements


def timed(result: Result, fn, n: int, before=lambda: None) -> None:
    """Wall-clock and CPU milliseconds of ``n`` calls after the warm-up; ``before`` runs untimed before each."""
    for _ in range(WARMUP):
        before()
        fn()
    for _ in range(n):
        before()
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        result.cpu.append((time.process_time() - cpu_started) * 1000)
        result.times.append((time.perf_counter() - started) * 1000)


# --- what to look up ------------------------------------------------------------------------------------------------

@dataclass
class Subjects:
    agent: User
    deep_cursor: str | None
    deep_first: str  # reference of the first case on the deep page, to check the view honours the cursor
    pages_walked: int
    phone: str  # national format, as a caller would say it
    names: list[str]  # searched as typed: a surname prefix, and names without their diacritics
    case_id: int


def pick_subjects(depth: int, names: list[str]) -> Subjects:
    agent = db.session.scalar(select(User).options(selectinload(User.programs)).where(User.email == AGENT))
    if agent is None:
        sys.exit(f"no user {AGENT}: build the database with bench/generate.py")
    db.session.expunge(agent)  # its programs are loaded; each timed call starts with an empty session
    # The cursor the "Older" link of page ``depth`` carries: the id of that page's last case (sort "newest").
    # Found with one OFFSET query rather than by walking ``depth`` pages.
    page_size = 25
    ids = queue_query("open", CaseFilters(), actor=agent).with_only_columns(Case.id).order_by(Case.id.desc())
    last_id = db.session.scalar(ids.offset(depth * page_size - 1).limit(1))
    cursor = encode_cursor([last_id], "next") if last_id else None
    deep = list_cases("open", CaseFilters(), actor=agent, cursor=cursor, limit=page_size)
    expected_first = db.session.scalar(ids.where(Case.id < last_id).limit(1)) if last_id else None
    if deep.items and deep.items[0].id != expected_first:
        sys.exit(f"list_cases did not continue after case {last_id}: the cursor format changed?")
    walked = depth if last_id else 0
    participant = db.session.scalars(
        select(Participant).where(Participant.program_id == 1, Participant.phone.is_not(None))
        .order_by(Participant.id).offset(30_000).limit(1)).first() or db.session.scalars(
        select(Participant).where(Participant.phone.is_not(None)).limit(1)).one()
    phone = phonenumbers.format_number(phonenumbers.parse(participant.phone), phonenumbers.PhoneNumberFormat.NATIONAL)
    # A recent case with notes on its timeline.
    case_id = db.session.scalar(select(CaseEvent.case_id).where(CaseEvent.kind == "note")
                                .order_by(CaseEvent.case_id.desc()).limit(1))
    subjects = Subjects(agent, cursor, deep.items[0].reference if deep.items else "", walked, phone, names,
                        case_id)
    db.session.remove()
    return subjects


def service_calls(s: Subjects) -> dict:
    def case_and_timeline():
        case = get_case(s.case_id, actor=s.agent)
        db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()

    return {
        "list_cases(open)": lambda: list_cases("open", CaseFilters(), actor=s.agent),
        f"list_cases(open), page {s.pages_walked + 1:,}": lambda: list_cases("open", CaseFilters(), actor=s.agent,
                                                                              cursor=s.deep_cursor),
        f"search({s.phone!r})": lambda: search(s.phone, actor=s.agent),
        **{f"search({name!r})": (lambda name=name: search(name, actor=s.agent)) for name in s.names},
        f"get_case({s.case_id}) + events": case_and_timeline,
    }


def pages(s: Subjects) -> dict:
    return {
        "GET /cases?queue=open": "/cases?queue=open",
        f"GET /cases?queue=open, page {s.pages_walked + 1:,}": "/cases?" + urlencode({"queue": "open",
                                                                                      "cursor": s.deep_cursor}),
        f"GET /search?q={s.phone}": "/search?" + urlencode({"q": s.phone}),
        **{f"GET /search?q={name}": "/search?" + urlencode({"q": name}) for name in s.names},
        f"GET /cases/{s.case_id}": f"/cases/{s.case_id}",
    }


# --- measuring -------------------------------------------------------------------------------------------------------

def measure_services(s: Subjects, log: StatementLog, n: int) -> list[Result]:
    results = []
    for name, call in service_calls(s).items():
        result = Result(name)
        result.statements = log.capture(call)
        db.session.remove()
        timed(result, call, n, before=db.session.remove)
        results.append(result)
    return results


def sign_in(client) -> str | None:
    """Sign in through the real form; the reason it failed, or None."""
    try:
        login_page = client.get("/login")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', login_page.get_data(as_text=True))
        if login_page.status_code != 200 or not token:
            return f"GET /login: {login_page.status_code}{'' if token else ', no csrf-token meta'}"
        response = client.post("/login", data={"email": AGENT, "password": PASSWORD, "csrf_token": token.group(1)})
    except Exception as exc:  # the views are being written: report, do not crash
        return f"/login raised {type(exc).__name__}: {exc}"
    return None if response.status_code == 302 else f"POST /login: {response.status_code}"


def measure_pages(app, s: Subjects, log: StatementLog, n: int) -> list[Result]:
    client = app.test_client()
    failed = sign_in(client)
    results = []
    for name, url in pages(s).items():
        result = Result(name)
        results.append(result)
        if failed:
            result.status = "not signed in"
            continue
        try:
            result.statements = log.capture(lambda url=url: client.get(url))
            response = client.get(url)
        except Exception as exc:
            result.status = f"error: {type(exc).__name__}"
            continue
        if response.status_code != 200:
            result.status = "missing (404)" if response.status_code == 404 else f"HTTP {response.status_code}"
            continue
        if s.deep_cursor and "cursor" in url and s.deep_first not in response.get_data(as_text=True):
            result.status = f"cursor ignored? {s.deep_first} not on the page"
        timed(result, lambda url=url: client.get(url), n)
    if failed:
        print(f"could not sign in: {failed}", file=sys.stderr)
    return results


# --- reporting -------------------------------------------------------------------------------------------------------

def explain(statement: str, parameters: tuple) -> list[str]:
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    depth = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def statement_time(statement: str, parameters: tuple) -> str:
    """How long the statement alone takes (median of 3, rows fetched); SELECTs only, nothing is re-written."""
    if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
        return ""
    times, rows = [], []
    for _ in range(3):
        started = time.perf_counter()
        rows = db.session.connection().exec_driver_sql(statement, parameters).all()
        times.append((time.perf_counter() - started) * 1000)
    return f"  -- {len(rows)} row(s) in {statistics.median(times):.1f} ms\n"


def table_sizes() -> dict[str, int]:
    """Rows per table as ANALYZE counted them (the first number of each sqlite_stat1 row)."""
    sizes = {}
    for table, stat in db.session.connection().exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1").all():
        sizes[table] = max(sizes.get(table, 0), int(stat.split()[0]))
    return sizes


def flagged(line: str, sizes: dict[str, int]) -> bool:
    """A sort without an index, a nested join materialised whole, or a full scan of a table over 1,000 rows."""
    if "TEMP B-TREE" in line or "MATERIALIZE (join-" in line or "SCAN (join-" in line:
        return True
    scan = re.match(r"\s*SCAN (\S+)(.*)", line)
    if not scan or " USING " in scan.group(2) or "VIRTUAL TABLE INDEX" in scan.group(2):
        return False
    return sizes.get(re.sub(r"_\d+$", "", scan.group(1)), 0) > 1000  # sub-queries (anon_1) are bounded


def print_plans(results: list[Result], only_flagged: bool) -> None:
    sizes = table_sizes()
    for result in results:
        if not result.statements:
            continue
        print(f"\n== {result.name}: {len(result.statements)} statement(s)")
        for statement, parameters in result.statements:
            plan = explain(statement, parameters)
            if only_flagged and not any(flagged(line, sizes) for line in plan):
                continue
            print("\n" + re.sub(r"\s+", " ", statement)[:600] + (f"\n  -- parameters {parameters}"[:300]
                                                               if parameters else ""))
            print(statement_time(statement, parameters), end="")
            for line in plan:
                print(("!! " if flagged(line, sizes) else "   ") + line)


def print_table(results: list[Result], budget: float) -> bool:
    width = max(len(r.name) for r in results)
    print(f"\n{'look-up':<{width}}  {'n':>3}  {'median ms':>9}  {'p95 ms':>7}  {'cpu ms':>6}  {'queries':>7}  result")
    over = False
    for r in results:
        verdict = r.status
        if r.times and r.median > budget:
            verdict, over = f"OVER BUDGET ({budget:g} ms)", True
        median = f"{r.median:9.1f}" if r.times else f"{'-':>9}"
        p95 = f"{r.p95:7.1f}" if r.times else f"{'-':>7}"
        cpu = f"{r.cpu_median:6.1f}" if r.cpu else f"{'-':>6}"
        print(f"{r.name:<{width}}  {len(r.times):>3}  {median}  {p95}  {cpu}  {len(r.statements):>7}  {verdict}")
    return over


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=ROOT / "bench" / "data" / "bench.db")
    parser.add_argument("-n", type=int, default=30, help="timed requests per look-up, after warm-up")
    parser.add_argument("--budget-ms", type=float, default=50)
    parser.add_argument("--depth", type=int, default=2000, help="pages of the open queue to follow")
    parser.add_argument("--name", action="append", help="a name to search, as typed (repeatable; default: "
                        "'Kowal', and 'wisniewska' and 'michal lewandowski' without their diacritics)")
    parser.add_argument("--all-plans", action="store_true", help="print every page query's plan, not only flagged")
    args = parser.parse_args(argv)
    if not args.path.exists():
        sys.exit(f"{args.path} does not exist: run bench/generate.py first")

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.path}", "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()  # a migration added since the data was generated (an index, say) applies here
        log = StatementLog(db.engine)
        subjects = pick_subjects(args.depth, args.name or ["Kowal", "wisniewska", "michal lewandowski"])
        services = measure_services(subjects, log, args.n)
    pages_measured = measure_pages(app, subjects, log, args.n)  # outside any app context: a session per request
    with app.app_context():
        print_plans(services, only_flagged=False)
        print_plans(pages_measured, only_flagged=not args.all_plans)
    print(f"\n{args.path} ({args.path.stat().st_size / 2**20:,.0f} MB), {args.n} timed runs each after {WARMUP} "
          f"warm-up; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work inflates wall time; "
          f"cpu ms is this process's own median CPU time)")
    over = print_table(services + pages_measured, args.budget_ms)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
