"""Erasure: no personal value of the participant remains in any table, the satisfaction figures stay, and the
refusals (an open case, an unknown or erased participant) change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, func, select

from helpdesk.audit.models import AuditEvent
from helpdesk.database import unit_of_work, utcnow
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.participants.services import create_participant, upsert_participant
from helpdesk.privacy.erasure import erase_participant
from helpdesk.privacy.models import RecordingDeletion
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import summary
from helpdesk.surveys.models import Survey
from tests.factories import SYSTEM
from tests.privacy.conftest import build_person


def text_values_everywhere() -> list[tuple[str, str, str]]:
    """(table, column, text) for every non-empty text or JSON value of every table of the database."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value not in (None, "", {}, []):
                    found.append((table.name, column.name, str(value)))
    return found


def erase(person):
    with unit_of_work():
        return erase_participant(person.participant_id, actor=SYSTEM)


def test_after_erasure_no_personal_value_remains_in_any_table(person):
    before = text_values_everywhere()
    for value in person.values:  # the scan finds them before: it would find them after
        assert any(value.casefold() in text.casefold() for _, _, text in before), value
    erase(person)
    db.session.expire_all()
    left = [(table, column, value) for table, column, text in text_values_everywhere() for value in person.values
            if value.casefold() in text.casefold()]
    assert left == []


def test_satisfaction_figures_are_unchanged_and_scores_lose_their_link(person):
    program = db.session.get(Program, person.program_id)
    period = Period(utcnow().date() - timedelta(days=30), utcnow().date() + timedelta(days=1))
    figures = summary(program, period)
    assert figures.responses == 1
    erase(person)
    db.session.expire_all()
    assert summary(program, period) == figures
    scores = db.session.execute(select(Survey.score, Survey.participant_id).where(Survey.score.is_not(None))).all()
    assert scores == [(2, None)]


def test_the_participant_stays_as_an_anonymous_stand_in_and_recordings_are_queued(person):
    erasure = erase(person)
    participant = db.session.get(Participant, person.participant_id)
    assert participant.erased_at is not None and participant.phone is None and participant.email is None
    assert (erasure.cases, erasure.recordings) == (2, 1)
    queued = db.session.scalars(select(RecordingDeletion)).one()
    assert (queued.recording_sid, queued.participant_id, queued.deleted_at) == (
        person.recording_sid, person.participant_id, None)


def test_the_erasure_is_recorded_in_the_audit_log_without_the_erased_data(person):
    erase(person)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.erased")).one()
    assert event.target_id == str(person.participant_id) and event.details["messages"] >= 2
    assert not any(value in str(event.details) for value in person.values)


def test_a_second_erasure_is_not_found(person):
    erase(person)
    with pytest.raises(NotFound):
        erase(person)


def test_an_unknown_participant_is_not_found(person):
    with pytest.raises(NotFound), unit_of_work():
        erase_participant(999_999, actor=SYSTEM)


def test_a_participant_with_an_open_case_is_refused_with_its_reference_and_nothing_changes(make, program):
    participant = make.participant(program, first_name="Ola")
    case = make.case(program, participant=participant)
    reference = case.reference
    db.session.commit()
    with pytest.raises(Conflict) as refused, unit_of_work():
        erase_participant(participant.id, actor=SYSTEM)
    assert reference in refused.value.message and "resolve or close" in refused.value.message
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).first_name == "Ola"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "participant.erased")) == 0


def test_an_opted_out_participants_number_does_not_come_back_through_the_sync(make, program):
    person = build_person(make, program)
    db.session.get(Participant, person.participant_id).sms_opt_out = True
    db.session.commit()
    erase(person)
    with pytest.raises(ValidationError) as refused, unit_of_work():
        upsert_participant(program, "ZW-NEW", {"first_name": "Z", "phone": "+48601987654"}, actor=SYSTEM)
    assert "phone" in refused.value.fields
    with unit_of_work():  # an agent may enter them again by hand, should they come back
        assert create_participant(program, "ZW-BACK", {"first_name": "Z", "phone": "+48601987654"}, actor=SYSTEM)


def test_a_number_that_had_not_opted_out_may_come_back(make, program):
    person = build_person(make, program)
    db.session.commit()
    erase(person)
    with unit_of_work():
        participant, created = upsert_participant(program, "ZW-NEW", {"first_name": "Z", "phone": "+48601987654"},
                                                  actor=SYSTEM)
    assert created and participant.phone == "+48601987654"
