from datetime import UTC, datetime

import pytest

from helpdesk.cases.models import CaseEvent, Priority, Status
from helpdesk.cases.services import take_case, update_case
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db


def events_of(case):
    return [e.kind for e in db.session.query(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id)]


def test_a_new_case_gets_the_next_number_of_its_program(make, program):
    first, second = make.case(program), make.case(program)
    other = make.case(make.program())
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.status == Status.NEW and first.is_open
    assert events_of(first) == ["created"]


def test_opening_a_case_reports_every_bad_field_at_once(make, program):
    with pytest.raises(ValidationError) as error:
        make.case(program, channel="fax", category="gossip", subject="", priority="whenever")
    assert set(error.value.fields) == {"channel", "category", "subject", "priority"}


def test_a_closed_case_cannot_become_new_or_open_again(make, agent):
    case = make.case(make.program())
    update_case(case, actor=make.SYSTEM, status="closed")
    with pytest.raises(Conflict, match="closed case cannot become open"):
        update_case(case, actor=make.SYSTEM, status="open")
    with pytest.raises(Conflict, match="closed"):
        update_case(case, actor=make.SYSTEM, priority="high")


def test_no_case_goes_back_to_new(make):
    case = make.case()
    update_case(case, actor=make.SYSTEM, status="open")
    with pytest.raises(Conflict, match="cannot go back to new"):
        update_case(case, actor=make.SYSTEM, status="new")


def test_each_change_writes_one_timeline_event(make, program, agent):
    case = make.case(program)
    update_case(case, actor=agent, status="pending_participant", priority="high", assignee=agent,
                note="Called back, left a message")
    assert events_of(case) == ["created", "note", "priority", "assignee", "status"]
    assert case.priority == Priority.HIGH and case.assignee == agent


def test_taking_a_new_case_assigns_it_and_opens_it(make, program, agent):
    case = make.case(program)
    take_case(case, actor=agent)
    assert (case.assignee, case.status) == (agent, Status.OPEN)


def test_an_agent_of_another_program_cannot_see_or_change_a_case(make, agent):
    foreign = make.case(make.program())
    with pytest.raises(NotFound):
        update_case(foreign, actor=agent, note="hello")


def test_a_case_cannot_be_assigned_to_someone_outside_its_program(make, program):
    outsider = make.user(programs=[make.program()])
    with pytest.raises(ValidationError, match="is not an assignable user of this program"):
        update_case(make.case(program), actor=make.SYSTEM, assignee=outsider)


def test_resolving_records_the_time_and_clears_the_sla_clock(make):
    case = make.case()
    update_case(case, actor=make.SYSTEM, status="resolved")
    assert case.resolved_at is not None and case.sla_due_at is None and not case.is_open
    update_case(case, actor=make.SYSTEM, status="open")
    assert case.resolved_at is None and case.sla_due_at is not None


def test_a_note_is_internal_and_no_response_to_the_participant(make):
    case = make.case(channel="sms")
    update_case(case, actor=make.SYSTEM, note="We are on it")
    assert case.first_response_at is None and case.sla_due_at == case.first_response_due_at
    (note,) = db.session.query(CaseEvent).filter_by(case_id=case.id, kind="note").all()
    assert not note.is_public


def test_sla_deadlines_count_only_business_hours(make):
    program = make.program()  # Mon-Fri 09:00-17:00 Europe/Warsaw; normal: 240 min first response
    case = make.case(program, channel="sms")
    friday_evening = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 17:00 in Warsaw, just closed
    case.created_at = friday_evening
    from helpdesk.cases.sla import set_due_times
    set_due_times(case)
    assert case.first_response_due_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # Monday 13:00 Warsaw


def test_a_features_activity_lands_on_the_timeline_and_touches_the_case(make):
    from helpdesk.cases.services import log_activity
    from helpdesk.telephony.models import TelephonyEvent

    case = make.case()
    before = case.updated_at
    event = log_activity(case, TelephonyEvent.CALL, actor=make.SYSTEM, body="Inbound call, 3 min", duration=180)
    assert events_of(case)[-1] == "call" and event.data == {"duration": 180} and case.updated_at >= before


def test_changing_the_category_is_recorded(make):
    case = make.case(category="other")
    update_case(case, actor=make.SYSTEM, category="points")
    assert case.category.value == "points" and events_of(case)[-1] == "category"
