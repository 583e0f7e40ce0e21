"""Time ``flask orders import`` on a large CSV and measure its peak memory (SQLite).

    .venv/bin/python bench/import_orders.py [--rows 100000] [--participants 20000] [--dir bench/data/orders]

Builds a fresh SQLite database with the real migrations, one program and its participants, writes a CSV of
``--rows`` orders (fixed seed), then runs the CLI import twice as a child process: the first run creates every
order, the second finds them all unchanged. Wall and CPU time and the child's peak RSS (wait4) are printed
per run;
the exit status is 1 if a run misses the targets (``--max-seconds``, ``--max-mb``).
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.imports.kinds import ORDERS  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402
from helpdesk.programs.models import DEFAULT_BUSINESS_HOURS, DEFAULT_SLA_TARGETS, Program  # noqa: E402

SEED = 20261123
PROGRAM = "BENCH"
REWARDS = [("HEAD-01", "Wireless headphones", "physical", 1200), ("MUG-02", "Thermal mug", "physical", 300),
           ("CINEMA-5", "Cinema voucher", "voucher", 500), ("STREAM-3", "Streaming 3 months", "e_code", 900),
           ("KETTLE-7", "Electric kettle", "physical", 1500), ("BOOK-10", "Bookstore gift card", "voucher", 400)]
VENDORS = ["GadgetHub", "HomeGoods", "VoucherCo", "CodeMint"]
STATUSES = ["ordered", "processing", "shipped", "shipped", "delivered", "delivered", "delivered", "returned", "lost",
            "cancelled"]


def build_database(path: Path, participants: int) -> None:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True})
    now = datetime.now(UTC)
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert(Program.__table__), [{
                "id": 1, "code": PROGRAM, "name": "Bench Rewards", "hotline_number": "+48221230000",
                "timezone": "Europe/Warsaw", "locale": "pl", "business_hours": DEFAULT_BUSINESS_HOURS,
                "sla_targets": DEFAULT_SLA_TARGETS, "last_case_number": 0, "created_at": now}])
            if participants:
                conn.execute(insert(Participant.__table__), [{
                    "program_id": 1, "external_id": f"M{n:07d}", "first_name": "Anna", "last_name": f"Nowak{n}",
                    "first_name_key": "anna", "last_name_key": f"nowak{n}", "locale": "pl", "points_balance": 1000,
                    "sms_opt_out": False, "created_at": now, "updated_at": now} for n in range(participants)])


def write_csv(path: Path, rows: int, participants: int) -> None:
    rng = random.Random(SEED)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ORDERS.fields)
        for n in range(rows):
            sku, name, kind, points = rng.choice(REWARDS)
            ordered = start + timedelta(seconds=rng.randrange(300 * 86400))
            physical = kind == "physical"
            writer.writerow([
                f"ORD-{n:08d}", f"M{rng.randrange(participants):07d}", sku, name, kind, points,
                ordered.isoformat().replace("+00:00", "Z"), rng.choice(STATUSES) if physical else "delivered",
                rng.choice(VENDORS), "DPD" if physical else "", f"DPD{n:010d}" if physical else "",
                (ordered + timedelta(days=7)).date().isoformat() if physical else "",
                f"ul. Polna {n % 200 + 1}, 00-{n % 1000:03d} Warszawa" if physical else ""])


def run_import(csv_path: Path, db_path: Path, kind: str = "orders") -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, first line of output) of one CLI import in a child process."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "HELPDESK_ENV": "development",
           "SECRET_KEY": "bench"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", kind, "import", str(csv_path),
                                  "--program", PROGRAM], cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own resource usage
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        output = out.read()
        if child.returncode != 0:
            sys.exit(f"import failed:\n{output}\n{err.read()}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, output.strip().splitlines()[0]  # ru_maxrss is in KB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "data" / "orders")
    parser.add_argument("--max-seconds", type=float, default=10.0)
    parser.add_argument("--max-mb", type=float, default=200.0)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db_path, csv_path = args.dir / "orders-bench.db", args.dir / f"orders-{args.rows}.csv"
    build_database(db_path, args.participants)
    write_csv(csv_path, args.rows, args.participants)
    print(f"{csv_path.name}: {csv_path.stat().st_size / 2**20:.1f} MB, {args.rows:,} rows, "
          f"{args.participants:,} participants")
    ok = True
    for label in ("first run (creates)", "second run (unchanged)"):
        seconds, cpu, peak_mb, summary = run_import(csv_path, db_path)
        within = seconds < args.max_seconds and peak_mb < args.max_mb
        ok &= within
        print(f"{label}: {seconds:.2f} s wall ({cpu:.2f} s CPU), peak RSS {peak_mb:.0f} MB "
              f"{'OK' if within else 'TOO SLOW OR TOO BIG'}\n  {summary}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
