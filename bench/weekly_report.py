"""Time the weekly report e-mail for 100 programs over a year of 1,000,000 surveys on SQLite.

    .venv/bin/python bench/weekly_report.py [bench/data/weekly.db] [--programs 100] [--surveys 1000000]
                                            [--budget-s 10] [--reuse]

Builds a fresh database with the real migrations (replaced unless --reuse): ``--programs`` programs (half
Europe/Warsaw, half Europe/Moscow), each with 3 managers and 10 agents, an equal share of the surveys (one
resolved case each, sent over the year before now, 65 % answered, some low scores waiting for a call back), 50
participants and 1,000 reward orders over the last 8 weeks of which 3 % have a delivery case; the daily totals
are computed with ``flask surveys rebuild-stats``'s code and ANALYZE run, as the worker does.

Then, with the Monday 08:00 of every program passed, one worker pass (``send_weekly_reports``): it schedules a
mail per manager and sends each, rendered in the manager's language, to a loopback SMTP server (aiosmtpd). The
figure is that pass's wall time, and, apart, the time to compute the 100 reports alone. Exits 1 when the pass
is over budget.
"""

import argparse
import random
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import delete, event, insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import Role, User, user_programs  # noqa: E402
from helpdesk.cases.models import Case, Category, Channel, Priority, Status  # noqa: E402
from helpdesk.database import refresh_query_statistics, utcnow  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.jobs.weekly_reports import send_weekly_reports  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402
from helpdesk.programs.models import DEFAULT_BUSINESS_HOURS, DEFAULT_SLA_TARGETS, Program  # noqa: E402
from helpdesk.reports.mailing import reported_week  # noqa: E402
from helpdesk.reports.models import WeeklyReportMail  # noqa: E402
from helpdesk.reports.weekly_report import weekly_report  # noqa: E402
from helpdesk.rewards.models import (  # noqa: E402
    DeliveryCase,
    IssueType,
    OrderStatus,
    RewardOrder,
    RewardType,
    delivery_case_orders,  # noqa: E402
)
from helpdesk.surveys.models import FollowUp, Survey, SurveyStatus  # noqa: E402
from helpdesk.surveys.stats import rebuild_days  # noqa: E402

SEED = 20261129
MANAGERS, AGENTS, PARTICIPANTS, ORDERS = 3, 10, 50, 1000
BATCH = 20_000
SCORES = {1: 3, 2: 2, 3: 5, 4: 20, 5: 70}  # percent; mean 4.52
CATEGORIES = [c.value for c in Category]
REWARDS = [(f"SKU-{n:02d}", f"Reward {n:02d}") for n in range(20)]
VENDORS = ["GadgetHub", "ParcelPro", "GiftWorld", "VoucherCo", None]


class Sink:
    """The loopback SMTP server's handler: counts what it is sent."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def build(path: Path, programs: int, surveys: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True})
    rng = random.Random(SEED)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=365)
    per_program = surveys // programs
    password = generate_password_hash("bench-password")
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(insert(Program), [{
            "id": p, "code": f"P{p:03d}", "name": f"Program {p:03d}", "hotline_number": f"+4822{p:07d}",
            "timezone": "Europe/Warsaw" if p % 2 else "Europe/Moscow", "locale": "pl" if p % 2 else "ru",
            "business_hours": DEFAULT_BUSINESS_HOURS, "sla_targets": DEFAULT_SLA_TARGETS,
            "last_case_number": per_program, "created_at": start} for p in range(1, programs + 1)])
        staff, links = [], []
        for p in range(1, programs + 1):
            for n in range(MANAGERS + AGENTS):
                user_id = (p - 1) * (MANAGERS + AGENTS) + n + 1
                manager = n < MANAGERS
                staff.append({"id": user_id, "email": f"{'manager' if manager else 'agent'}{user_id}@bench.test",
                              "name": f"Staff {user_id}", "role": Role.MANAGER if manager else Role.AGENT,
                              "password_hash": password, "created_at": start,
                              "language": ("en", "pl", "ru")[n] if manager else None})
                links.append({"user_id": user_id, "program_id": p})
        db.session.execute(insert(User), staff)
        db.session.execute(insert(user_programs), links)
        db.session.execute(insert(Participant), [{
            "id": (p - 1) * PARTICIPANTS + n + 1, "program_id": p, "external_id": f"M{n:05d}", "first_name": "Anna",
            "last_name": f"Nowak{n}", "first_name_key": "anna", "last_name_key": f"nowak{n}", "locale": "pl",
            "points_balance": 1000, "created_at": start, "updated_at": start}
            for p in range(1, programs + 1) for n in range(PARTICIPANTS)])
        started, case_id = time.perf_counter(), 0
        for p in range(1, programs + 1):
            tz = ZoneInfo("Europe/Warsaw" if p % 2 else "Europe/Moscow")
            agents = [(p - 1) * (MANAGERS + AGENTS) + MANAGERS + n + 1 for n in range(AGENTS)]
            cases, rows = [], []
            for number in range(1, per_program + 1):
                case_id += 1
                case, survey = _case_and_survey(rng, p, case_id, number, rng.choice(agents), start, end, tz)
                cases.append(case)
                rows.append(survey)
            orders, deliveries, order_links = _orders(rng, p, cases, end)
            db.session.execute(insert(Case), cases)
            db.session.execute(insert(Survey), rows)
            db.session.execute(insert(RewardOrder), orders)
            db.session.execute(insert(DeliveryCase), deliveries)
            db.session.execute(insert(delivery_case_orders), order_links)
            db.session.commit()
            if p % 10 == 0:
                print(f"  {p}/{programs} programs, {case_id:,} surveys in {time.perf_counter() - started:.0f}s",
                      file=sys.stderr, flush=True)
        started = time.perf_counter()
        rows = rebuild_days()
        db.session.commit()
        print(f"  daily totals rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        refresh_query_statistics(db.session.connection())
        db.session.commit()


def _case_and_survey(rng, program_id, case_id, number, agent, start, end, tz) -> tuple[dict, dict]:
    resolved = start + timedelta(seconds=rng.randrange(int((end - start).total_seconds()) - 7200))
    sent = resolved + timedelta(minutes=60)
    created = resolved - timedelta(hours=rng.choice((2, 20, 50)))
    category = rng.choice(CATEGORIES)
    case = {"id": case_id, "program_id": program_id, "number": number, "channel": Channel.PHONE,
            "category": category, "subject": "Bench case", "description": "", "status": Status.RESOLVED,
            "is_open": False, "priority": Priority.NORMAL, "assignee_id": agent, "created_at": created,
            "updated_at": sent, "resolved_at": resolved, "first_response_at": created + timedelta(hours=1),
            "first_response_due_at": created + timedelta(hours=4), "resolution_due_at": created + timedelta(hours=24)}
    answered = rng.random() < 0.65
    score = rng.choices(list(SCORES), list(SCORES.values()))[0] if answered else None
    comment = answered and rng.random() < 0.06
    survey = {"id": case_id, "case_id": case_id, "program_id": program_id, "agent_id": agent, "category": category,
              "script_version": None, "locale": "pl", "created_at": resolved, "due_at": sent, "sent_at": sent,
              "sent_day": sent.astimezone(tz).date(), "re_asked": False,
              "status": SurveyStatus.ANSWERED if answered else SurveyStatus.EXPIRED, "score": score,
              "answered_at": sent + timedelta(minutes=rng.randrange(1, 600)) if answered else None,
              "comment": f"Comment {case_id}: the parcel came late" if comment else None,
              "comment_at": sent + timedelta(hours=11) if comment else None,
              "follow_up": FollowUp.OPEN if answered and score <= 2 and rng.random() < 0.1 else None}
    return case, survey


def _orders(rng, program_id, cases, end) -> tuple[list, list, list]:
    """1,000 orders over the last 8 weeks; 3 % of them with a delivery case (one of the program's cases)."""
    orders, deliveries, links = [], [], []
    delivery_cases = iter(c["id"] for c in cases if c["category"] == "reward_delivery")
    for n in range(ORDERS):
        order_id = (program_id - 1) * ORDERS + n + 1
        sku, name = rng.choice(REWARDS)
        ordered = end - timedelta(seconds=rng.randrange(56 * 86400))
        orders.append({"id": order_id, "program_id": program_id, "participant_id":
                       (program_id - 1) * PARTICIPANTS + rng.randrange(PARTICIPANTS) + 1, "order_ref": f"O{n:06d}",
                       "reward_sku": sku, "reward_name": name, "reward_type": RewardType.PHYSICAL, "points_spent": 900,
                       "ordered_at": ordered, "status": OrderStatus.SHIPPED, "status_changed_at": ordered,
                       "vendor": rng.choice(VENDORS), "created_at": ordered, "created_by": "bench",
                       "created_via": "bench", "updated_at": ordered})
        if rng.random() < 0.03 and (case_id := next(delivery_cases, None)):
            deliveries.append({"case_id": case_id, "program_id": program_id, "issue_type": IssueType.NOT_DELIVERED,
                               "vendor": orders[-1]["vendor"]})
            links.append({"case_id": case_id, "order_id": order_id, "linked_at": ordered})
    return orders, deliveries, links


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "bench" / "data" / "weekly.db"))
    parser.add_argument("--programs", type=int, default=100)
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--budget-s", type=float, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    path = Path(args.path).resolve()
    if not (args.reuse and path.exists()):
        print(f"Building {path}: {args.programs} programs, {args.surveys:,} surveys ...", file=sys.stderr)
        build(path, args.programs, args.surveys)

    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "SMTP_URL": f"smtp://127.0.0.1:{controller.port}"})
    statements = []
    try:
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            db.session.execute(delete(WeeklyReportMail))  # a re-run sends the week again
            db.session.commit()
            programs = list(db.session.scalars(select(Program).order_by(Program.id)))
            per_report = []
            for program in programs:
                started = time.perf_counter()
                weekly_report(program, reported_week(program, utcnow()))
                per_report.append(time.perf_counter() - started)
            db.session.remove()
            statements.clear()
            started = time.perf_counter()
            totals = send_weekly_reports()
            elapsed = time.perf_counter() - started
            mails = db.session.scalar(select(db.func.count()).select_from(WeeklyReportMail))
    finally:
        controller.stop()
    print(f"\n{len(programs)} reports computed alone: {sum(per_report):.2f} s "
          f"(median {statistics.median(per_report) * 1000:.1f} ms, max {max(per_report) * 1000:.1f} ms per program)")
    print(f"worker pass: {totals['sent']} mails sent ({totals['retry']} to retry) of {mails} scheduled, "
          f"{sink.received} received by SMTP, in {elapsed:.2f} s, {len(statements):,} SQL statements")
    over = elapsed > args.budget_s or totals["sent"] != mails or sink.received != mails
    print(f"Budget: the pass under {args.budget_s:.0f} s -> {'OVER' if over else 'ok'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
