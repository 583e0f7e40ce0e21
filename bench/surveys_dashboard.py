"""Time the satisfaction dashboard of one program over a year of 1,000,000 surveys on SQLite.

    .venv/bin/python bench/surveys_dashboard.py [bench/data/surveys.db] [--surveys 1000000] [-n 30]
                                                [--budget-ms 300] [--reuse]

Builds a fresh database with the real migrations (replaced unless --reuse): one program, 30 agents, one
resolved case per survey over the year before now, 65 % answered (scores averaging about 4.5), 6 % with a
comment, each reward-delivery case (a seventh) with its reward order (12 rewards from 4 vendors); the daily
totals are then computed with ``flask surveys rebuild-stats``'s code. Pages are requested through the Flask test
client after signing in through /login as the program's manager; each page's SQL statements are counted. Exits
1 when a dashboard page's median (the year, 12 weeks, the year filtered by one category, agent, reward or
vendor) is over budget; each filtered page is also given as a ratio to the unfiltered year's, which says more
than the milliseconds on a busy machine.
"""

import argparse
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.actors import SystemActor  # noqa: E402
from helpdesk.api.services import create_api_token  # noqa: E402
from helpdesk.auth.models import Role, User, user_programs  # noqa: E402
from helpdesk.cases.models import Case, Category, Channel, Priority, Status  # noqa: E402
from helpdesk.database import refresh_query_statistics  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402
from helpdesk.programs.models import DEFAULT_BUSINESS_HOURS, DEFAULT_SLA_TARGETS, Program  # noqa: E402
from helpdesk.rewards import models as rewards  # noqa: E402
from helpdesk.surveys.models import FollowUp, Survey, SurveyStatus  # noqa: E402
from helpdesk.surveys.stats import rebuild_days  # noqa: E402

SEED = 20261123
PASSWORD = "bench-password"
MANAGER = "manager@bench.test"
TIMEZONE = "Europe/Warsaw"
AGENTS = 30
BATCH = 25_000
WARMUP = 3
SCORES = {1: 3, 2: 2, 3: 5, 4: 20, 5: 70}  # percent; mean 4.52
CATEGORIES = [c.value for c in Category]
DASHBOARDS = ("dashboard, the year", "dashboard, default 12 weeks", "dashboard, the year, one category",
              "dashboard, the year, one agent", "dashboard, the year, one reward",
              "dashboard, the year, one vendor")  # the pages under --budget-ms
# Reward names and their vendors, the first ones ordered most (weights 12, 11, ... 1).
REWARDS = [(f"Reward {i + 1:02d}", ("Vendor A", "Vendor B", "Vendor C", "Vendor D")[i % 4]) for i in range(12)]
SCRIPTS = [None, None, None, "Reward not delivered v3", "Reward not delivered v4", "Points missing v2",
           "Damaged reward v1", "Account locked v5"]


def build(path: Path, surveys: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True})
    rng = random.Random(SEED)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=365)
    tz = ZoneInfo(TIMEZONE)
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(insert(Program), [{
            "id": 1, "code": "AURORA", "name": "Aurora Rewards", "hotline_number": "+48221234567",
            "timezone": TIMEZONE, "locale": "pl", "business_hours": DEFAULT_BUSINESS_HOURS,
            "sla_targets": DEFAULT_SLA_TARGETS, "last_case_number": surveys, "created_at": start}])
        password = generate_password_hash(PASSWORD)
        staff = [{"id": 1, "email": MANAGER, "name": "Maria Manager", "role": Role.MANAGER, "password_hash": password,
                  "created_at": start}]
        staff += [{"id": i + 2, "email": f"agent{i + 1:02d}@bench.test", "name": f"Agent {i + 1:02d}",
                   "role": Role.AGENT, "password_hash": password, "created_at": start} for i in range(AGENTS)]
        db.session.execute(insert(User), staff)
        db.session.execute(insert(user_programs), [{"user_id": s["id"], "program_id": 1} for s in staff])
        db.session.execute(insert(Participant), [{  # the orders' owner (participants play no part in the pages)
            "id": 1, "program_id": 1, "external_id": "P-1", "first_name": "Anna", "last_name": "Nowak",
            "first_name_key": "anna", "last_name_key": "nowak", "locale": "pl", "created_at": start}])
        started = time.perf_counter()
        for first in range(1, surveys + 1, BATCH):
            cases, rows = [], []
            for case_id in range(first, min(first + BATCH, surveys + 1)):
                case, survey = _case_and_survey(rng, case_id, start, end, tz)
                cases.append(case)
                rows.append(survey)
            db.session.execute(insert(Case), cases)
            ordered = _reward_orders(rng, [case for case in cases if case["category"] == Category.REWARD_DELIVERY])
            for survey in rows:  # the order was linked before the survey went out, as mark_sent records it
                reward, vendor = ordered.get(survey["case_id"], (None, None))
                survey["order_keys"] = {"reward": [reward], "vendor": [vendor]} if reward else None
            db.session.execute(insert(Survey), rows)
            db.session.commit()
            print(f"  {first + len(rows) - 1:,}/{surveys:,} surveys in {time.perf_counter() - started:.0f}s",
                  file=sys.stderr, flush=True)
        started = time.perf_counter()
        rows = rebuild_days(1)
        db.session.commit()
        print(f"  daily totals rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        refresh_query_statistics(db.session.connection())  # as the worker does on starting, then daily
        db.session.commit()


def _reward_orders(rng: random.Random, cases: list[dict]) -> dict[int, tuple[str, str]]:
    """An order for each reward-delivery case, linked to it as the delivery desk links them; each case's reward
    name and vendor."""
    orders, deliveries, links, picked = [], [], [], {}
    for case in cases:
        name, vendor = picked[case["id"]] = rng.choices(REWARDS, range(len(REWARDS), 0, -1))[0]
        ordered = case["created_at"] - timedelta(days=10)
        orders.append({"id": case["id"], "program_id": 1, "participant_id": 1, "order_ref": f"ZAM/{case['id']}",
                       "reward_sku": name.upper().replace(" ", "-"), "reward_name": name,
                       "reward_type": rewards.RewardType.PHYSICAL, "points_spent": 4500, "ordered_at": ordered,
                       "status": rewards.OrderStatus.DELIVERED, "status_changed_at": ordered, "vendor": vendor,
                       "created_at": ordered, "created_by": "bench", "created_via": "bench", "updated_at": ordered})
        deliveries.append({"case_id": case["id"], "program_id": 1, "issue_type": rewards.IssueType.LATE,
                           "vendor": vendor})
        links.append({"case_id": case["id"], "order_id": case["id"], "linked_at": case["created_at"]})
    if cases:
        db.session.execute(insert(rewards.RewardOrder), orders)
        db.session.execute(insert(rewards.DeliveryCase), deliveries)
        db.session.execute(insert(rewards.delivery_case_orders), links)
    return picked


def _case_and_survey(rng: random.Random, case_id: int, start: datetime, end: datetime, tz) -> tuple[dict, dict]:
    resolved = start + timedelta(seconds=rng.randrange(int((end - start).total_seconds()) - 7200))
    sent = resolved + timedelta(minutes=60)
    agent = rng.randrange(2, AGENTS + 2)
    category = rng.choice(CATEGORIES)
    case = {"id": case_id, "program_id": 1, "number": case_id, "channel": Channel.PHONE, "category": category,
            "subject": "Bench case", "description": "", "status": Status.RESOLVED, "is_open": False,
            "priority": Priority.NORMAL, "assignee_id": agent, "created_at": resolved - timedelta(hours=20),
            "updated_at": sent, "resolved_at": resolved, "first_response_at": resolved - timedelta(hours=19)}
    answered = rng.random() < 0.65
    score = rng.choices(list(SCORES), list(SCORES.values()))[0] if answered else None
    comment = answered and rng.random() < 0.06
    survey = {"id": case_id, "case_id": case_id, "program_id": 1, "agent_id": agent, "category": category,
              "script_version": rng.choice(SCRIPTS), "locale": "pl", "created_at": resolved, "due_at": sent,
              "sent_at": sent, "sent_day": sent.astimezone(tz).date(), "re_asked": False,
              "status": SurveyStatus.ANSWERED if answered else SurveyStatus.EXPIRED, "score": score,
              "answered_at": sent + timedelta(minutes=rng.randrange(1, 600)) if answered else None,
              "comment": f"Comment {case_id}: the parcel came late" if comment else None,
              "comment_at": sent + timedelta(hours=11) if comment else None,
              "follow_up": FollowUp.OPEN if answered and score <= 2 and rng.random() < 0.1 else None}
    return case, survey


def csrf(client, url: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "bench" / "data" / "surveys.db"))
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=300)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    path = Path(args.path).resolve()
    if not (args.reuse and path.exists()):
        print(f"Building {path} with {args.surveys:,} surveys ...", file=sys.stderr)
        build(path, args.surveys)

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    statements = []
    with app.app_context():
        flask_migrate.upgrade()  # a reused database built by an older revision
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        token = create_api_token("bench", None, actor=SystemActor("bench"))[1]
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": MANAGER, "password": PASSWORD, "csrf_token": csrf(client, "/login")})
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    year = {"program": "AURORA", "from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
    week = {"program": "AURORA", "from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}
    pages = [
        ("dashboard, the year", "/reports/satisfaction", year, {}),
        ("dashboard, default 12 weeks", "/reports/satisfaction", {"program": "AURORA"}, {}),
        ("dashboard, the year, one category", "/reports/satisfaction", {**year, "category": "points"}, {}),
        ("dashboard, the year, one agent", "/reports/satisfaction", {**year, "agent": "2"}, {}),
        ("dashboard, the year, one reward", "/reports/satisfaction", {**year, "reward": REWARDS[0][0]}, {}),
        ("dashboard, the year, one vendor", "/reports/satisfaction", {**year, "vendor": REWARDS[0][1]}, {}),
        ("all my programs, the year", "/reports/satisfaction/programs", year, {}),
        ("API responses, first page", "/api/v1/satisfaction/responses", {**year, "limit": 200},
         {"Authorization": f"Bearer {token}"}),
        ("weekly e-mail preview", "/reports/weekly-mail", {"program": "AURORA"}, {}),
        ("API summary, the year", "/api/v1/satisfaction/summary", year, {"Authorization": f"Bearer {token}"}),
        ("this week", "/reports/satisfaction/this-week", {"program": "AURORA"}, {}),
        ("CSV of the last 7 days", "/reports/satisfaction.csv", week, {}),
    ]
    print(f"\n{'page':34} {'median':>9} {'p95':>9} {'SQL':>5}")
    medians = {}
    for label, url, query, headers in pages:
        times = []
        for i in range(WARMUP + args.n):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url, query_string=query, headers=headers)
            body = response.get_data()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code, body[:300])
            if i >= WARMUP:
                times.append(elapsed)
        median, p95 = statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]
        medians[label] = median
        ratio = f" ({median / medians[DASHBOARDS[0]]:.1f}x the year's)" if label in DASHBOARDS[2:] else ""
        print(f"{label:34} {median:8.1f}ms {p95:8.1f}ms {len(statements):5}{ratio}")
    over = [label for label in DASHBOARDS if medians[label] > args.budget_ms]
    verdict = f"OVER: {', '.join(over)}" if over else "ok"
    print(f"\nBudget for the dashboard pages: {args.budget_ms:.0f} ms median -> {verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
