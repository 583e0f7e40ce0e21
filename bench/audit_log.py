"""Time the audit log's filtered pages at 10,000,000 audit rows on SQLite.

    .venv/bin/python bench/audit_log.py [bench/data/audit.db] [--rows 10000000] [-n 30] [--budget-ms 100] [--reuse]

Builds a fresh database with the real migrations (replaced unless --reuse): 5 programs, an admin, a manager of
two programs, and ``--rows`` audit events over the year before now in time order (ids follow time, as they do
when the app writes them): 200 staff users, 45 % participant views, 35 % case views, the rest sign-ins, changes,
exports and rare actions (failed sign-ins, erasures). Rows go in through sqlite3 with the indexes dropped, which
are then built again, then ANALYZE (as ``db upgrade`` and the worker run it).

Each page is requested through the Flask test client, signed in through /login, ``-n`` times after 3 warm-ups;
median and p95 wall time, and the SQL statements of one request. Exits 1 when a median is over budget.
"""

import argparse
import random
import re
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import event  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.actors import SystemActor  # noqa: E402
from helpdesk.auth.services import create_user  # noqa: E402
from helpdesk.database import unit_of_work  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.programs.services import create_program  # noqa: E402

SEED = 20261129
PASSWORD = "bench-password-audit"
ADMIN, MANAGER = "admin@bench.test", "manager@bench.test"
PROGRAMS = ("P1", "P2", "P3", "P4", "P5")
STAFF = 200
BATCH = 100_000
WARMUP = 3
ACTIONS = (("participant.viewed", 45), ("case.viewed", 35), ("auth.signed_in", 6), ("auth.signed_out", 4),
           ("participant.changed", 5), ("participant.created", 3), ("export.csv", 1), ("auth.sign_in_failed", 0.6),
           ("participant.exported", 0.2), ("participant.erased", 0.1), ("user.changed", 0.1))
BUILD = SystemActor("Bench")


def build(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = _app(path)
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            programs = [create_program(code=code, name=f"Program {code}", hotline_number=f"+4822100000{n}",
                                       timezone="Europe/Warsaw", locale="pl", actor=BUILD)
                        for n, code in enumerate(PROGRAMS)]
            create_user(email=ADMIN, name="Bench Admin", role="admin", password=PASSWORD, actor=BUILD)
            create_user(email=MANAGER, name="Bench Manager", role="manager", password=PASSWORD,
                        programs=programs[:2], actor=BUILD)
        program_ids = [p.id for p in programs]
        db.session.remove()
        db.engine.dispose()
    connection = sqlite3.connect(path)
    indexes = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                 "AND tbl_name = 'audit_events' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        connection.execute(f"DROP INDEX {name}")
    started = time.monotonic()
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    for first in range(0, rows, BATCH):
        connection.executemany(
            "INSERT INTO audit_events (occurred_at, actor_type, actor_id, actor_name, action, target_type, "
            "target_id, program_id, ip_address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _events(first, min(BATCH, rows - first), rows, program_ids))
        connection.commit()
        print(f"\r{first + BATCH:,} rows, {time.monotonic() - started:.0f} s", end="", file=sys.stderr)
    print(file=sys.stderr)
    for name, sql in indexes:
        connection.execute(sql)
        print(f"index {name}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    print(f"built {rows:,} rows in {time.monotonic() - started:.0f} s", file=sys.stderr)


def _events(first: int, count: int, rows: int, program_ids: list[int]):
    rng = random.Random(SEED + first)
    names, weights = zip(*ACTIONS, strict=True)
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=365)
    step = 365 * 86400 / rows
    for n in range(first, first + count):
        action = rng.choices(names, weights)[0]
        staff = rng.randrange(STAFF)
        when = (start + timedelta(seconds=n * step)).strftime("%Y-%m-%d %H:%M:%S.%f")
        if action.startswith("case"):
            target_type, target_id = "case", str(rng.randrange(1, 1_000_000))
        elif action.startswith("participant"):
            target_type, target_id = "participant", str(rng.randrange(1, 200_000))
        else:
            target_type, target_id = "user", str(staff)
        yield (when, "user", staff + 10, f"agent{staff:03d}@bench.test", action, target_type, target_id,
               program_ids[staff % len(program_ids)], f"10.0.{staff // 100}.{staff % 100}",
               "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0")


def _app(path: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True,
                       "WTF_CSRF_ENABLED": False})


def _signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def _time(app, client, url: str, runs: int, headers=None) -> tuple[float, float, int]:
    statements = []
    for _ in range(WARMUP):
        assert client.get(url, headers=headers).status_code == 200, url
    timings = []
    for n in range(runs):
        if n == 0:
            with app.app_context():
                listen = lambda *args: statements.append(args[2])  # noqa: E731
                event.listen(db.engine, "before_cursor_execute", listen)
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        if n == 0:
            with app.app_context():
                event.remove(db.engine, "before_cursor_execute", listen)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(statements)


def _deep_cursor(client, url: str, pages: int) -> str:
    """The URL of page ``pages`` (following "Older" links), to show that a deep page costs what the first does."""
    for _ in range(pages - 1):
        page = client.get(url).get_data(as_text=True)
        url = re.search(r'href="([^"]+)">Older', page).group(1).replace("&amp;", "&")
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "bench" / "data" / "audit.db"))
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=100.0)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    path = Path(args.path)
    if not (args.reuse and path.exists()):
        build(path, args.rows)
    app = _app(path)
    admin, manager = _signed_in(app, ADMIN), _signed_in(app, MANAGER)
    a_week_ago = datetime.now(UTC).date() - timedelta(days=300)
    pages = [
        ("admin, no filter", admin, "/audit"),
        ("admin, program P3", admin, "/audit?program=P3"),
        ("admin, program P3 + participant.changed", admin, "/audit?program=P3&action=participant.changed"),
        ("admin, rare action (participant.erased)", admin, "/audit?action=participant.erased"),
        ("admin, one actor", admin, "/audit?actor=agent042@bench.test"),
        ("admin, one actor + participant.changed", admin,
         "/audit?actor=agent042@bench.test&action=participant.changed"),
        ("admin, one actor + a rare action (participant.erased)", admin,
         "/audit?actor=agent042@bench.test&action=participant.erased"),
        ("admin, one participant (target)", admin, "/audit?target_type=participant&target_id=123456"),
        ("admin, program P2, a week 300 days ago", admin,
         f"/audit?program=P2&from={a_week_ago}&to={a_week_ago + timedelta(days=6)}"),
        ("admin, a week 300 days ago + sign-in failures", admin,
         f"/audit?action=auth.sign_in_failed&from={a_week_ago}&to={a_week_ago + timedelta(days=6)}"),
        ("manager of 2 programs, no filter", manager, "/audit"),
        ("manager of 2 programs, participant.exported", manager, "/audit?action=participant.exported"),
        ("admin, page 100 (following 'Older')", admin, _deep_cursor(admin, "/audit?program=P3", 100)),
    ]
    over = []
    print(f"| page ({args.rows:,} rows) | median | p95 | SQL statements |")
    print("| --- | --- | --- | --- |")
    for label, client, url in pages:
        median, p95, statements = _time(app, client, url, args.n)
        print(f"| {label} | {median:.1f} ms | {p95:.1f} ms | {statements} |")
        if median > args.budget_ms:
            over.append(label)
    if over:
        print(f"over the {args.budget_ms:.0f} ms budget: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
