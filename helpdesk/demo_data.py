"""``flask demo-data``: two programs with staff, a few hundred participants and cases in every state.

Everything goes through the services, so the demo obeys the same rules (and timeline) as real use.
"""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import current_app
from sqlalchemy import select

from helpdesk.actors import SystemActor
from helpdesk.auth.services import create_user
from helpdesk.cases.services import open_case, take_case, timeline, update_case
from helpdesk.cases.sla import set_due_times
from helpdesk.conversations.canned import save_canned_reply
from helpdesk.extensions import db
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.participants.services import upsert_participant
from helpdesk.programs.models import Program
from helpdesk.programs.services import create_program
from helpdesk.rewards.delivery import escalate_to_vendor, open_delivery_case
from helpdesk.rewards.orders import upsert_order
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.settings import update_survey_settings
from helpdesk.surveys.stats import rebuild_days
from helpdesk.telephony.sms import receive_sms
from helpdesk.telephony.twilio_adapter import DevelopmentGateway

DEMO_PASSWORD = "demo-password"
SYSTEM = SystemActor("Demo loader")
PROGRAMS = [
    {"code": "AURORA", "name": "Aurora Rewards", "hotline_number": "+48221234567", "timezone": "Europe/Warsaw",
     "locale": "pl", "phone_prefix": "+4860", "women": ["Anna", "Katarzyna", "Magdalena", "Zofia"],
     "men": ["Piotr", "Tomasz", "Jan", "Michał"],
     "last": [("Kowalski", "Kowalska"), ("Nowak", "Nowak"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"),
              ("Zieliński", "Zielińska"), ("Lewandowski", "Lewandowska")]},
    {"code": "TAIGA", "name": "Taiga Club", "hotline_number": "+74951234567", "timezone": "Europe/Moscow",
     "locale": "ru", "phone_prefix": "+7916", "women": ["Ольга", "Мария", "Елена", "Анна"],
     "men": ["Иван", "Дмитрий", "Сергей", "Алексей"],
     "last": [("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"),
              ("Соколов", "Соколова"), ("Морозов", "Морозова")]},
]
HOTLINE_HOURS = {"mon": ["08:00-20:00"], "tue": ["08:00-20:00"], "wed": ["08:00-20:00"], "thu": ["08:00-20:00"],
                 "fri": ["08:00-20:00"], "sat": ["09:00-14:00"], "sun": []}
REWARDS = [  # sku, name, type, points, vendor, carrier
    ("HEAD-01", "Wireless headphones", "physical", 12000, "FulfilX", "DPD"),
    ("BLEND-02", "Blender", "physical", 18000, "FulfilX", "InPost"),
    ("SUIT-03", "Cabin suitcase", "physical", 25000, "Parcelio", "DHL"),
    ("VOUCH-50", "Shop voucher 50", "voucher", 5000, "VoucherHub", None),
    ("CINE-01", "Cinema e-code", "e_code", 3000, "CodeStream", None),
]
REPLIES = ([["5"]] * 10 + [["5 - super, dziękuję!", "Pani konsultantka była bardzo miła."]] * 3 + [["4"]] * 4
           + [["⭐⭐⭐⭐⭐"]] * 2 + [["пять"]] + [["3"]] + [["2", "Czekałem tydzień na odpowiedź."]] + [["1"]])
ORDER_STATUSES = ["delivered"] * 6 + ["shipped"] * 2 + ["processing", "lost"]
STAFF = [  # email, name, role, programs, UI language (None: the browser's)
    ("admin@demo.test", "Ada Admin", "admin", ["AURORA", "TAIGA"], None),
    ("manager@demo.test", "Marta Manager", "manager", ["AURORA", "TAIGA"], None),
    ("agent@demo.test", "Adam Agent", "agent", ["AURORA", "TAIGA"], None),
    ("agent.pl@demo.test", "Zofia Agentka", "agent", ["AURORA"], "pl"),
    ("agent.ru@demo.test", "Павел Агентов", "agent", ["TAIGA"], "ru"),
]
SUBJECTS = {
    "reward_delivery": ["Reward not delivered", "Parcel arrived damaged", "Wrong item delivered",
                        "Courier lost the parcel"],
    "points": ["Points missing after purchase", "Points expired early", "Double points not credited"],
    "redemption": ["Voucher code does not work", "Cannot redeem points online", "E-code not received"],
    "account": ["Cannot log in", "Change of phone number", "Merge two accounts"],
    "complaint": ["Rude shop staff", "Waited too long on the hotline"],
    "other": ["Question about the program rules", "How to join the program"],
}
CANNED_REPLIES = [  # title, language, body
    ("Parcel on its way", "en", "Hello {{ participant.first_name }}, your parcel is on its way. We keep case "
                                "{{ case.number }} open until it arrives."),
    ("Paczka w drodze", "pl", "Dzień dobry {{ participant.first_name }}, paczka jest w drodze. Sprawa "
                              "{{ case.number }} zostaje otwarta do jej doręczenia."),
    ("Посылка в пути", "ru", "Здравствуйте, {{ participant.first_name }}! Посылка в пути. Обращение "
                             "{{ case.number }} остаётся открытым до её доставки."),
]
STATUS_MIX = (["new"] * 3 + ["open"] * 4 + ["pending_participant"] * 2 + ["pending_vendor"] * 2
              + ["resolved"] * 5 + ["closed"] * 4)


def _program(spec: dict) -> Program:
    program = create_program(**{k: spec[k] for k in ("code", "name", "hotline_number", "timezone", "locale")},
                             actor=SYSTEM)
    program.business_hours = HOTLINE_HOURS
    program.on_duty_numbers = [f"{spec['phone_prefix']}9990001", f"{spec['phone_prefix']}9990002"]
    # Surveys go out at once in the demo, so that loading it fills the dashboard.
    update_survey_settings(program, enabled=True, delay_minutes=0, quiet_hours="", fatigue_days=0, texts={},
                           actor=SYSTEM)
    for title, language, body in CANNED_REPLIES:
        save_canned_reply(program, None, title=title, language=language, body=body, actor=SYSTEM)
    return program


def _staff(programs: dict) -> dict:
    staff = {}
    for email, name, role, codes, language in STAFF:
        staff[email] = create_user(email=email, name=name, role=role, password=DEMO_PASSWORD,
                                   programs=[programs[c] for c in codes], actor=SYSTEM)
        staff[email].language = language
    return staff


def _participants(program: Program, spec: dict, count: int, rng: random.Random) -> list:
    result = []
    for n in range(count):
        woman = rng.random() < 0.5
        data = {"first_name": rng.choice(spec["women" if woman else "men"]),
                "last_name": rng.choice(spec["last"])[1 if woman else 0],
                "phone": f"{spec['phone_prefix']}{1000000 + n * 37:07d}",
                "email": f"{spec['code'].lower()}.{n}@example.com",
                "points_balance": rng.randrange(0, 50_000, 10), "locale": spec["locale"] if n % 5 else "en"}
        participant, _ = upsert_participant(program, f"{spec['code'][:2]}{100000 + n}", data, actor=SYSTEM)
        result.append(participant)
    return result


def _case(program, participant, agents, rng: random.Random) -> None:
    category = rng.choice(list(SUBJECTS))
    case = open_case(program, participant=participant, channel=rng.choice(["phone", "phone", "sms", "email", "web"]),
                     category=category, subject=rng.choice(SUBJECTS[category]),
                     description="Demo case. The participant explained the problem on the first contact.",
                     priority=rng.choice(["low", "normal", "normal", "normal", "high", "urgent"]), actor=SYSTEM)
    status = rng.choice(STATUS_MIX)
    age = timedelta(minutes=rng.randrange(10, 60 * (24 * 30 if status in ("resolved", "closed") else 30)))
    case.created_at = case.updated_at = case.created_at - age
    for event in timeline(case):
        event.created_at = case.created_at
    set_due_times(case)
    if status == "new":
        return
    agent = rng.choice(agents)
    take_case(case, actor=agent)
    update_case(case, actor=agent, note="Called the participant and confirmed the details.")
    if status != "open":
        update_case(case, actor=agent, status=status)


def _orders(program, people, agents, rng: random.Random) -> None:
    """Reward orders for a third of the participants; some lost or late ones become delivery cases."""
    today = datetime.now(UTC)
    for n, person in enumerate(people[::3]):
        sku, name, kind, points, vendor, carrier = rng.choice(REWARDS)
        ordered = today - timedelta(days=rng.randrange(2, 60))
        status = rng.choice(ORDER_STATUSES) if kind == "physical" else "delivered"
        order, _ = upsert_order(program, f"{program.code}-O{10000 + n}", {
            "participant_external_id": person.external_id, "reward_sku": sku, "reward_name": name,
            "reward_type": kind, "points_spent": points, "ordered_at": ordered.isoformat(), "status": status,
            "vendor": vendor, "carrier": carrier,
            "tracking_number": f"TRK{rng.randrange(10**9):09d}" if carrier else None,
            "expected_delivery": (ordered + timedelta(days=7)).date().isoformat() if carrier else None,
            "shipping_address": "ul. Prosta 1, 00-001 Warszawa" if carrier else None}, actor=SYSTEM, source="demo")
        if status in ("lost", "shipped") and rng.random() < 0.5:
            agent = rng.choice(agents)
            case = open_delivery_case(order, issue_type="not_delivered", actor=agent)
            if rng.random() < 0.5:
                escalate_to_vendor(case, answer_due=(today + timedelta(days=rng.randrange(1, 5))).date(),
                                   note="Please confirm where the parcel is.", actor=agent)


def _survey_answers(rng: random.Random) -> None:
    """Send the surveys the resolved demo cases scheduled, answer most of them by SMS as participants would,
    then spread them over the last eight weeks so the dashboard has a trend."""
    db.session.commit()  # the cases are loaded: the dispatcher commits step by step, as the worker's does
    dispatch_due_surveys(gateway=DevelopmentGateway())
    sent = list(db.session.scalars(select(Survey).where(Survey.status == SurveyStatus.SENT)))
    for survey in sent:
        if rng.random() < 0.7:
            for body in rng.choice(REPLIES):
                receive_sms({"MessageSid": f"SMdemo{rng.getrandbits(64):016x}", "Body": body,
                             "From": survey.participant.phone, "To": survey.case.program.hotline_number})
    for survey in sent:
        shift = timedelta(days=rng.randrange(0, 56), hours=rng.randrange(0, 6))
        for moment in ("created_at", "due_at", "sent_at", "answered_at", "comment_at"):
            if getattr(survey, moment) is not None:
                setattr(survey, moment, getattr(survey, moment) - shift)
        survey.sent_day = survey.sent_at.astimezone(ZoneInfo(survey.case.program.timezone)).date()
    db.session.flush()
    rebuild_days()


@click.command("demo-data")
@click.option("--participants", default=150, show_default=True, help="Participants per program.")
@click.option("--cases", default=200, show_default=True, help="Cases per program.")
@click.option("--seed", default=7, show_default=True)
def demo_data_command(participants, cases, seed):
    """Load demo programs, staff, participants and cases, and print the demo logins (development only)."""
    if not current_app.config["DEVELOPMENT"]:
        raise click.ClickException("demo-data only runs with HELPDESK_ENV=development: it creates staff accounts "
                                   f"whose password ({DEMO_PASSWORD}) is published.")
    if db.session.scalar(select(Program.id).where(Program.code == "AURORA")):
        click.echo("Demo data is already loaded.")
    else:
        rng = random.Random(seed)
        programs = {spec["code"]: _program(spec) for spec in PROGRAMS}
        staff = _staff(programs)
        with click.progressbar(PROGRAMS, label="Loading demo programs") as bar:
            for spec in bar:
                program = programs[spec["code"]]
                people = _participants(program, spec, participants, rng)
                agents = [u for u in staff.values() if program in u.programs and u.role.value == "agent"]
                for _ in range(cases):
                    _case(program, rng.choice(people + [None] * 5), agents, rng)
                _orders(program, people, agents, rng)
        _survey_answers(rng)
        db.session.commit()
        click.echo(f"Loaded {len(PROGRAMS)} programs, {participants * len(PROGRAMS)} participants, "
                   f"{cases * len(PROGRAMS)} cases.")
    click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for email, _, role, codes, _ in STAFF:
        click.echo(f"  {role:8} {email:22} {', '.join(codes)}")
