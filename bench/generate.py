"""Build a large SQLite database for the benchmark: the real migrations, then bulk inserts with SQLAlchemy Core.

    .venv/bin/python bench/generate.py [bench/data/bench.db] [--cases 1000000] [--participants 100000]

An existing file at that path is replaced. The same arguments and --end give the same rows (fixed seed);
cases are spread over the three years before --end (default: now, to the hour), ids in creation order.
"""

import argparse
import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import phonenumbers  # noqa: E402
from sqlalchemy import func, insert, select, text, update  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench import names  # noqa: E402
from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import Role, User, user_programs  # noqa: E402
from helpdesk.cases.models import Case, CaseEvent, Category, Channel, Priority, Status  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.participants.models import Participant  # noqa: E402
from helpdesk.participants.services import name_key  # noqa: E402
from helpdesk.programs.business_hours import add_business_minutes  # noqa: E402
from helpdesk.programs.models import DEFAULT_BUSINESS_HOURS, DEFAULT_SLA_TARGETS, Program  # noqa: E402

SEED = 20261123
PASSWORD = "bench-password"
YEARS = 3
BATCH = 25_000

PROGRAMS = [  # code, name, hotline, timezone, locale, share of participants and cases
    ("AURORA", "Aurora Rewards", "+48221234567", "Europe/Warsaw", "pl", 0.6),
    ("TAIGA", "Taiga Club", "+78005553535", "Europe/Moscow", "ru", 0.4),
]
MOBILE_PREFIXES = {"pl": ("+4850", "+4851", "+4853", "+4860", "+4866", "+4869", "+4872", "+4873", "+4878",
                          "+4879", "+4888"),
                   "ru": tuple(f"+79{d}" for d in range(10))}
NAMES = {"pl": (names.POLISH_MALE, names.POLISH_FEMALE, names.POLISH_SURNAMES, names.polish_feminine),
         "ru": (names.RUSSIAN_MALE, names.RUSSIAN_FEMALE, names.RUSSIAN_SURNAMES, names.russian_feminine)}

CHANNELS = {Channel.PHONE: 55, Channel.EMAIL: 20, Channel.WEB: 15, Channel.SMS: 10}
CATEGORIES = {Category.REWARD_DELIVERY: 30, Category.POINTS: 25, Category.REDEMPTION: 15, Category.ACCOUNT: 12,
              Category.COMPLAINT: 10, Category.OTHER: 8}
PRIORITIES = {Priority.LOW: 15, Priority.NORMAL: 60, Priority.HIGH: 20, Priority.URGENT: 5}
OPEN_STATUSES = {Status.NEW: 20, Status.OPEN: 40, Status.PENDING_PARTICIPANT: 25, Status.PENDING_VENDOR: 15}
STALE_OPEN_SHARE = 0.11  # old cases left open; recent ones are open far more often (see case_lifecycle)
# Contacts per hour of the day (UTC), relative: quiet nights, busy office hours.
HOURLY = [0.1] * 5 + [0.2, 0.4, 0.8, 1, 1, 1, 1, 1, 1, 1, 1, 0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15]


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def progress(label: str, done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    print(f"  {label}: {done:,}/{total:,} ({100 * done // total}%) in {elapsed:.0f}s, "
          f"{done / max(elapsed, 1e-9):,.0f} rows/s", file=sys.stderr, flush=True)


# --- staff, programs, participants -------------------------------------------------------------------------------

def program_rows(start: datetime) -> list[dict]:
    return [{"id": i, "code": code, "name": name, "hotline_number": hotline, "timezone": tz, "locale": locale,
             "business_hours": DEFAULT_BUSINESS_HOURS, "sla_targets": DEFAULT_SLA_TARGETS, "last_case_number": 0,
             "created_at": start - timedelta(days=30)}
            for i, (code, name, hotline, tz, locale, _) in enumerate(PROGRAMS, start=1)]


def staff_rows(start: datetime) -> tuple[list[dict], list[dict]]:
    """Agents serving both programs, one manager, one admin; all share one password hash."""
    password_hash = generate_password_hash(PASSWORD)
    users = []
    for i, name in enumerate(names.STAFF_NAMES, start=1):
        role = Role.ADMIN if i == len(names.STAFF_NAMES) else Role.MANAGER if i == len(names.STAFF_NAMES) - 1 \
            else Role.AGENT
        email = f"agent{i:02d}@bench.test" if role == Role.AGENT else f"{role.value}@bench.test"
        users.append({"id": i, "email": email, "name": name, "password_hash": password_hash, "role": role,
                      "active": True, "created_at": start - timedelta(days=30)})
    links = [{"user_id": u["id"], "program_id": p} for u in users if u["role"] != Role.ADMIN
             for p in range(1, len(PROGRAMS) + 1)]
    return users, links


def unique_mobiles(rng: random.Random, locale: str, count: int, taken: set) -> list[str]:
    numbers = []
    prefixes = MOBILE_PREFIXES[locale]
    while len(numbers) < count:
        prefix = rng.choice(prefixes)
        number = prefix + "".join(rng.choices("0123456789", k=12 - len(prefix)))
        if number in taken or not phonenumbers.is_valid_number(phonenumbers.parse(number)):
            continue
        taken.add(number)
        numbers.append(number)
    return numbers


def participant_rows(rng: random.Random, program_id: int, locale: str, count: int, first_id: int,
                     start: datetime, phones_taken: set):
    male, female, surnames, feminine = NAMES[locale]
    surname_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(surnames))]
    phones = iter(unique_mobiles(rng, locale, count, phones_taken))
    for pid in range(first_id, first_id + count):
        woman = rng.random() < 0.55
        first = rng.choice(female if woman else male)
        last = rng.choices(surnames, surname_weights)[0]
        last = feminine(last) if woman else last
        phone = next(phones)
        ascii_first, ascii_last = names.ascii_name(first), names.ascii_name(last)
        email_local = rng.choice([f"{ascii_first}.{ascii_last}", f"{ascii_first[0]}{ascii_last}"])
        joined = start - timedelta(days=rng.uniform(0, 5 * 365))
        yield {"id": pid, "program_id": program_id, "external_id": f"{program_id}{pid:09d}",
               "first_name": first, "last_name": last, "first_name_key": name_key(first),
               "last_name_key": name_key(last), "phone": phone if rng.random() < 0.96 else None,
               "email": f"{email_local}{pid}@example.{rng.choice(['com', 'net', 'org'])}"
               if rng.random() < 0.85 else None,
               "locale": locale if rng.random() < 0.97 else "en", "points_balance": int(rng.paretovariate(1.2) * 200),
               "sms_opt_out": rng.random() < 0.03, "created_at": joined, "updated_at": joined}


# --- cases ---------------------------------------------------------------------------------------------------------

def creation_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[float]:
    """Sorted seconds after ``start``: fewer at night and at weekends, volume growing by half over the years."""
    span = (end - start).total_seconds()
    times = []
    while len(times) < count:
        t = rng.uniform(0, span)
        moment = start + timedelta(seconds=t)
        weight = HOURLY[moment.hour] * (0.5 if moment.weekday() >= 5 else 1) * (0.67 + 0.33 * t / span)
        if rng.random() < weight:
            times.append(t)
    times.sort()
    return times


def case_lifecycle(rng: random.Random, created: datetime, end: datetime, phone: bool) -> dict:
    """Status and timestamps consistent with each other: recent cases mostly open, old ones resolved or closed."""
    age_days = (end - created).total_seconds() / 86400
    first_response = created if phone else min(created + timedelta(minutes=rng.lognormvariate(4.5, 1.0)), end)
    if rng.random() < STALE_OPEN_SHARE + 0.85 * math.exp(-age_days / 5):
        status = pick(rng, OPEN_STATUSES)
        if status == Status.NEW and not phone:
            first_response = None
        touched = max(created, first_response or created)
        updated = min(touched + timedelta(minutes=rng.expovariate(1 / 240)), end)
        return {"status": status, "first_response_at": first_response, "resolved_at": None, "closed_at": None,
                "updated_at": updated}
    resolved = min(first_response + timedelta(hours=rng.lognormvariate(2.5, 1.2)), end)
    closed = resolved + timedelta(days=7) if resolved + timedelta(days=7) <= end and rng.random() < 0.9 else None
    return {"status": Status.CLOSED if closed else Status.RESOLVED, "first_response_at": first_response,
            "resolved_at": resolved, "closed_at": closed, "updated_at": closed or resolved}


def subject_of(rng: random.Random, category: Category) -> str:
    subject = rng.choice(names.SUBJECTS[category.value])
    if rng.random() < 0.4:
        subject += " – " + rng.choice(names.SUBJECT_DETAILS).format(n=rng.randrange(10_000, 999_999))
    return subject


def case_batches(rng: random.Random, count: int, start: datetime, end: datetime, participants: list[list[int]],
                 agents: list[dict]):
    """Yield (cases, events) lists of up to BATCH cases, ids 1..count in creation order."""
    shares = [share for *_, share in PROGRAMS]
    numbers = [0] * len(PROGRAMS)
    cases, events = [], []
    for case_id, offset in enumerate(creation_times(rng, count, start, end), start=1):
        created = start + timedelta(seconds=offset)
        index = rng.choices(range(len(PROGRAMS)), shares)[0]
        program_id, timezone = index + 1, PROGRAMS[index][3]
        numbers[index] += 1
        people = participants[index]  # the first few call far more often than the rest
        participant_id = people[int(len(people) * rng.random() ** 1.3)] if rng.random() < 0.95 else None
        channel, category, priority = pick(rng, CHANNELS), pick(rng, CATEGORIES), pick(rng, PRIORITIES)
        life = case_lifecycle(rng, created, end, channel == Channel.PHONE)
        is_open = life["status"].is_open
        assigned = rng.random() < (0.3 if life["status"] == Status.NEW else 0.97)
        assignee = rng.choice(agents) if assigned else None
        targets = DEFAULT_SLA_TARGETS[priority.key]
        first_due = add_business_minutes(created, targets["first_response"], DEFAULT_BUSINESS_HOURS, timezone)
        resolution_due = add_business_minutes(created, targets["resolution"], DEFAULT_BUSINESS_HOURS, timezone)
        sla_due = None if not is_open else first_due if life["first_response_at"] is None else resolution_due
        cases.append({"id": case_id, "program_id": program_id, "participant_id": participant_id,
                      "number": numbers[index], "channel": channel, "category": category,
                      "subject": subject_of(rng, category), "description": rng.choice(names.DESCRIPTIONS),
                      "is_open": is_open, "priority": priority, "assignee_id": assignee["id"] if assignee else None,
                      "created_at": created, "first_response_due_at": first_due,
                      "resolution_due_at": resolution_due, "sla_due_at": sla_due, **life})
        events.extend(case_events(rng, cases[-1], assignee, agents))
        if len(cases) == BATCH:
            yield cases, events
            cases, events = [], []
    if cases:
        yield cases, events


def case_events(rng: random.Random, case: dict, assignee: dict | None, agents: list[dict]) -> list[dict]:
    """The "created" entry (by the agent on the phone, else by the System), and 1-3 notes on some cases."""
    opener = (assignee or rng.choice(agents)) if case["channel"] == Channel.PHONE else None
    created = {"case_id": case["id"], "created_at": case["created_at"], "author_id": opener and opener["id"],
               "author_name": opener["name"] if opener else "System", "kind": "created", "is_public": False,
               "body": "", "data": {"channel": case["channel"].value, "category": case["category"].value,
                                    "priority": case["priority"].key,
                                    "assignee": assignee["email"] if assignee else None}}
    events = [created]
    if rng.random() < 0.15:
        span = (case["updated_at"] - case["created_at"]).total_seconds()
        for moment in sorted(rng.uniform(0, span) for _ in range(rng.randint(1, 3))):
            author = assignee or rng.choice(agents)
            events.append({**created, "created_at": case["created_at"] + timedelta(seconds=moment),
                           "author_id": author["id"], "author_name": author["name"], "kind": "note",
                           "is_public": rng.random() < 0.25, "body": rng.choice(names.NOTES), "data": {}})
    return events


# --- the run -------------------------------------------------------------------------------------------------------

def insert_batched(conn, table, rows, total: int, label: str) -> None:
    started, done, batch = time.perf_counter(), 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            with conn.begin():
                conn.execute(insert(table), batch)
            done += len(batch)
            batch = []
            progress(label, done, total, started)
    if batch:
        with conn.begin():
            conn.execute(insert(table), batch)
        progress(label, done + len(batch), total, started)


def without_fts_trigger(conn):
    """Drop the FTS insert trigger for the bulk load; return a function that restores it and rebuilds the index."""
    sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_fts_insert'"))
    conn.execute(text("DROP TRIGGER cases_fts_insert"))

    def restore():
        conn.execute(text(sql))
        conn.execute(text("INSERT INTO case_subject_fts(case_subject_fts) VALUES ('rebuild')"))
    return restore


def generate(path: Path, n_cases: int, n_participants: int, end: datetime, fts_triggers: bool) -> None:
    rng = random.Random(SEED)
    start = end - timedelta(days=365 * YEARS)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    began = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path.resolve()}", "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            sqlite = conn.connection.driver_connection  # PRAGMAs and ANALYZE outside SQLAlchemy's transactions
            sqlite.execute("PRAGMA synchronous=OFF")
            sqlite.execute("PRAGMA cache_size=-400000")  # 400 MB: the indexes stay in memory while loading
            users, links = staff_rows(start)
            with conn.begin():
                conn.execute(insert(Program.__table__), program_rows(start))
                conn.execute(insert(User.__table__), users)
                conn.execute(insert(user_programs), links)
            print(f"programs: {len(PROGRAMS)}, staff: {len(users)}", file=sys.stderr)

            phones_taken, callers, first_id = set(), [], 1
            for program_id, (*_, locale, share) in enumerate(PROGRAMS, start=1):
                count = round(n_participants * share) if program_id < len(PROGRAMS) else n_participants - first_id + 1
                rows = participant_rows(rng, program_id, locale, count, first_id, start, phones_taken)
                label = f"participants of {PROGRAMS[program_id - 1][0]}"
                insert_batched(conn, Participant.__table__, rows, count, label)
                ids = list(range(first_id, first_id + count))
                rng.shuffle(ids)  # who calls often has nothing to do with the id
                callers.append(ids)
                first_id += count

            agents = [u for u in users if u["role"] == Role.AGENT]
            restore_fts = None
            if not fts_triggers:
                with conn.begin():
                    restore_fts = without_fts_trigger(conn)
            started, done, n_events = time.perf_counter(), 0, 0
            for cases, events in case_batches(rng, n_cases, start, end, callers, agents):
                with conn.begin():
                    conn.execute(insert(Case.__table__), cases)
                    conn.execute(insert(CaseEvent.__table__), events)
                done, n_events = done + len(cases), n_events + len(events)
                progress("cases", done, n_cases, started)
            if restore_fts:
                print("rebuilding the subject full-text index…", file=sys.stderr, flush=True)
                with conn.begin():
                    restore_fts()
            with conn.begin():
                for program_id in range(1, len(PROGRAMS) + 1):
                    highest = select(func.coalesce(func.max(Case.number), 0)).where(Case.program_id == program_id)
                    conn.execute(update(Program.__table__).where(Program.id == program_id)
                                 .values(last_case_number=highest.scalar_subquery()))
            print("ANALYZE…", file=sys.stderr, flush=True)
            sqlite.execute("ANALYZE")
            sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            summary(conn, path, time.perf_counter() - began, n_events)


def summary(conn, path: Path, elapsed: float, n_events: int) -> None:
    statuses = dict(conn.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    total = sum(statuses.values())
    open_count = sum(n for status, n in statuses.items() if Status(status).is_open)
    print(f"\n{path}: {path.stat().st_size / 2**20:,.0f} MB in {elapsed:.0f}s")
    print(f"participants: {conn.scalar(select(func.count()).select_from(Participant.__table__)):,}")
    print(f"cases: {total:,}, open: {open_count:,} ({100 * open_count / max(total, 1):.1f}%), events: {n_events:,}")
    print("  " + ", ".join(f"{Status(s).value} {n:,}" for s, n in sorted(statuses.items(), key=lambda kv: -kv[1])))
    for code, last in conn.execute(select(Program.code, Program.last_case_number)):
        print(f"  {code}: last case number {last:,}")
    print(f"sign in as agent01@bench.test (agent, both programs), manager@bench.test or admin@bench.test; "
          f"password: {PASSWORD}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=ROOT / "bench" / "data" / "bench.db")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--end", type=datetime.fromisoformat, help="UTC time of the newest case (default: now)")
    parser.add_argument("--fts-triggers", action="store_true",
                        help="fill the subject index through its insert trigger instead of one rebuild at the end")
    args = parser.parse_args(argv)
    end = args.end or datetime.now(UTC)
    end = (end.astimezone(UTC) if end.tzinfo else end.replace(tzinfo=UTC)).replace(minute=0, second=0, microsecond=0)
    generate(args.path, args.cases, args.participants, end, args.fts_triggers)


if __name__ == "__main__":
    main()
