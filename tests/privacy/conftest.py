"""A participant with one record of every kind that holds personal data, each carrying a value the tests look
for afterwards: ``person`` (an object with the participant, their closed case and the values)."""

import itertools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.cases.models import Case, Status
from helpdesk.cases.services import log_activity, update_case
from helpdesk.database import unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.participants.services import upsert_participant
from helpdesk.rewards.delivery import (
    escalate_to_vendor,
    open_delivery_case,
    record_vendor_answer,
    resolve_delivery_case,
)
from helpdesk.rewards.orders import upsert_order
from helpdesk.scripts.services.runs import start_run
from helpdesk.telephony.models import Call, TelephonyEvent
from helpdesk.telephony.outbox import send_sms
from helpdesk.telephony.sms import receive_sms
from tests.api.conftest import api, issue_token, openapi  # noqa: F401  (the contract-checking API client)
from tests.factories import SYSTEM
from tests.reports.conftest import add_survey
from tests.rewards.conftest import order_fields
from tests.scripts.conftest import DELIVERY, save_script
from tests.telephony.conftest import ACCOUNT, twilio  # noqa: F401  (the loopback fake of Twilio's API)

_sids = itertools.count(1)


@dataclass
class Person:
    participant_id: int
    program_id: int
    case_id: int
    recording_sid: str
    values: tuple[str, ...]  # every personal value put in: none may remain after the erasure


def build_person(make, program, *, external_id="ZW-778812", recording=True) -> Person:
    participant, _ = upsert_participant(program, external_id, {
        "first_name": "Zenobia", "last_name": "Wiśniewska-Kowalczyk", "phone": "+48 601 987 654",
        "email": "zenobia.unique@example.org"}, actor=SYSTEM)
    agent = make.user(programs=[program])
    with unit_of_work():
        receive_sms({"MessageSid": f"SM{next(_sids):032d}", "From": participant.phone, "To": program.hotline_number,
                     "Body": "Hello, Zenobia here: my parcel never came to Ogrodowa 77"})
    case = db.session.scalars(select(Case).where(Case.participant_id == participant.id)).one()
    update_case(case, actor=agent, assignee=agent, note="Zenobia prefers calls after 18:00 on 601 987 654")
    send_sms(program, participant.phone, "Dear Zenobia, we are checking with the courier.", actor=agent, case=case,
             participant=participant)
    sid = f"RE{next(_sids):032d}"
    call = Call(call_sid=f"CA{next(_sids):032d}", program_id=program.id, participant_id=participant.id,
                case_id=case.id, from_number=participant.phone, to_number=program.hotline_number, status="completed",
                recording_sid=sid if recording else None, transcription="This is Zenobia, please call me back",
                recording_url=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}"
                if recording else None)
    db.session.add(call)
    db.session.flush()
    log_activity(case, TelephonyEvent.VOICEMAIL, actor=SYSTEM, call_id=call.id, recording_url=call.recording_url)
    log_activity(case, TelephonyEvent.TRANSCRIPTION, actor=SYSTEM, body=call.transcription, call_id=call.id)
    _delivery_case(program, participant, agent)
    script = save_script(DELIVERY.replace("id: parcel", f"id: parcel-{program.code.lower()}", 1), SYSTEM).script
    run = start_run(case, script, actor=agent)
    run.answers = {"address": "Ogrodowa 77, Gdańsk"}
    update_case(case, actor=agent, status=Status.RESOLVED)
    add_survey(case, sent_at=utcnow() - timedelta(days=1), score=2, comment="Zenobia says nobody called back")
    update_case(case, actor=agent, status=Status.CLOSED)
    db.session.flush()
    return Person(participant.id, program.id, case.id, sid, (
        "Zenobia", "Wiśniewska-Kowalczyk", "+48601987654", "601 987 654", "zenobia.unique@example.org",
        "Ogrodowa 77", external_id, "nobody called back", "courier", "call me back", "after 18:00"))


def _delivery_case(program, participant, agent) -> None:
    """A reward order shipped to the participant's address, a delivery case about it, the vendor's answer."""
    order, _ = upsert_order(program, f"ORD-{participant.id}", order_fields(
        participant, shipping_address="ul. Ogrodowa 77, 80-001 Gdańsk"), actor=SYSTEM, source="test")
    case = open_delivery_case(order, issue_type="not_delivered", actor=agent,
                              description="Zenobia is home after 18:00")
    escalate_to_vendor(case, answer_due=(utcnow() + timedelta(days=3)).date(), actor=agent)
    record_vendor_answer(case, answer="Left with a neighbour of Zenobia at Ogrodowa 77", actor=agent)
    resolve_delivery_case(case, resolution="no_action", note="Zenobia found the parcel", actor=agent)
    update_case(case, actor=agent, status=Status.CLOSED)


@pytest.fixture
def person(make, program):
    person = build_person(make, program)
    db.session.commit()
    return person
