"""Builders that go through the services, so test data obeys the same rules as real data."""

import itertools

from helpdesk.actors import SystemActor
from helpdesk.auth.services import create_user
from helpdesk.cases.services import open_case
from helpdesk.conversations.canned import save_canned_reply
from helpdesk.extensions import db
from helpdesk.participants.services import upsert_participant
from helpdesk.programs.services import create_program

PASSWORD = "correct horse battery"
SYSTEM = SystemActor("Test")
_seq = itertools.count(1)
# Valid numbers from Poland's and Russia's mobile ranges, one per call.
_PL = (f"+4860{n:07d}" for n in itertools.count(1000001))
_RU = (f"+7916{n:07d}" for n in itertools.count(1000001))


def program(code=None, *, country="PL", **fields):
    n = next(_seq)
    defaults = {
        "code": code or f"P{n}",
        "name": f"Program {n}",
        "hotline_number": f"+4822{n:07d}" if country == "PL" else f"+7495{n:07d}",
        "timezone": "Europe/Warsaw" if country == "PL" else "Europe/Moscow",
        "locale": "pl" if country == "PL" else "ru",
    }
    created = create_program(**{**defaults, **fields}, actor=SYSTEM)
    db.session.flush()
    return created


def participant(prog=None, *, external_id=None, **fields):
    prog = prog or program()
    n = next(_seq)
    data = {"first_name": "Anna", "last_name": f"Kowalska{n}", "phone": next(_PL if prog.locale != "ru" else _RU),
            "email": f"member{n}@example.com", "points_balance": 1200, **fields}
    created, _ = upsert_participant(prog, external_id or f"M{n:06d}", data, actor=SYSTEM)
    return created


def user(role="agent", *, programs=None, email=None, name=None):
    n = next(_seq)
    return create_user(email=email or f"{role}{n}@helpdesk.test", name=name or f"{role.title()} Number{n}",
                       role=role, password=PASSWORD, programs=programs if programs is not None else [],
                       actor=SYSTEM)


def case(prog=None, *, participant=..., actor=SYSTEM, **fields):
    prog = prog or (participant.program if participant not in (None, ...) else program())
    if participant is ...:
        participant = globals()["participant"](prog)
    data = {"channel": "phone", "category": "reward_delivery", "subject": "Reward not delivered",
            "description": "Ordered headphones a month ago.", "priority": "normal", **fields}
    return open_case(prog, participant=participant, actor=actor, **data)


def canned_reply(prog, *, title=None, language="pl", body="Dzień dobry {{ participant.first_name }}!"):
    return save_canned_reply(prog, None, title=title or f"Powitanie {next(_seq)}", language=language, body=body,
                             actor=SYSTEM)
