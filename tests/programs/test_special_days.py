"""Holidays and special opening hours: managed on the program settings page, followed by the SLA clocks."""

from datetime import UTC, date, datetime

import pytest

from helpdesk.audit.models import AuditEvent
from helpdesk.cases.models import Priority
from helpdesk.cases.sla import set_due_times
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import SpecialDays
from helpdesk.programs.special_days import add_special_days, remove_special_days
from tests.conftest import csrf_token, login
from tests.factories import SYSTEM


@pytest.fixture
def manager_client(client, make, program):
    login(client, make.user("manager", programs=[program]))
    return client


def add(client, program, **fields):
    data = {"starts_on": "", "ends_on": "", "hours": "", "note": "", **fields,
            "csrf_token": csrf_token(client, f"/programs/{program.code}/settings")}
    return client.post(f"/programs/{program.code}/special-days", data=data)


def entries(program):
    return db.session.query(SpecialDays).filter_by(program_id=program.id).order_by(SpecialDays.starts_on).all()


def test_a_manager_adds_a_holiday_range_on_the_settings_page(manager_client, program):
    response = add(manager_client, program, starts_on="2026-12-24", ends_on="2026-12-26", note="Boże Narodzenie")
    assert response.status_code == 302
    [entry] = entries(program)
    assert (entry.starts_on, entry.ends_on, entry.closed) == (date(2026, 12, 24), date(2026, 12, 26), True)
    page = manager_client.get(f"/programs/{program.code}/settings").get_data(as_text=True)
    assert "Boże Narodzenie" in page
    assert db.session.query(AuditEvent).filter_by(action="program.special_days_added").count() == 1


def test_special_hours_for_one_date_are_saved_as_that_day_only(manager_client, program):
    assert add(manager_client, program, starts_on="2026-12-31", hours="09:00-13:00").status_code == 302
    [entry] = entries(program)
    assert (entry.starts_on, entry.ends_on, entry.hours) == (date(2026, 12, 31), date(2026, 12, 31), ["09:00-13:00"])


def test_a_range_that_ends_before_it_starts_is_refused_naming_the_last_day(manager_client, program):
    response = add(manager_client, program, starts_on="2026-12-26", ends_on="2026-12-24")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is before the first day" in page
    assert 'id="ends_on"' in page and "is-invalid" in page.split('id="ends_on"')[0].rsplit("<input", 1)[1]
    assert entries(program) == []


def test_bad_special_hours_are_refused_naming_the_field(program):
    with pytest.raises(ValidationError) as refused:
        add_special_days(program, starts_on=date(2026, 12, 31), ends_on=None, hours="13:00-09:00", note="",
                         actor=SYSTEM)
    assert set(refused.value.fields) == {"hours"}


def test_overlapping_ranges_are_refused(program):
    add_special_days(program, starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26), hours="", note="Święta",
                     actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        add_special_days(program, starts_on=date(2026, 12, 26), ends_on=None, hours="", note="", actor=SYSTEM)
    assert "Święta" in refused.value.fields["starts_on"]


def test_a_removed_holiday_gives_the_weekly_hours_back(manager_client, program):
    entry = add_special_days(program, starts_on=date(2026, 12, 24), ends_on=None, hours="", note="", actor=SYSTEM)
    response = manager_client.post(f"/programs/{program.code}/special-days/{entry.id}/remove",
                                   data={"csrf_token": csrf_token(manager_client, "/cases")})
    assert response.status_code == 302 and entries(program) == []


def test_another_programs_special_days_cannot_be_removed(make, program):
    other = make.program()
    entry = add_special_days(other, starts_on=date(2026, 12, 24), ends_on=None, hours="", note="", actor=SYSTEM)
    with pytest.raises(NotFound):
        remove_special_days(program, entry.id, actor=SYSTEM)
    assert entries(other) == [entry]


def test_a_case_opened_before_a_holiday_gets_its_deadline_after_it(make, program):
    add_special_days(program, starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26), hours="", note="",
                     actor=SYSTEM)
    case = make.case(program)
    case.created_at = datetime(2026, 12, 23, 15, 30, tzinfo=UTC)  # Wed 16:30 Warsaw
    case.priority = Priority.HIGH  # 60 business minutes to the first response: 30 on Wednesday, 30 on Monday
    set_due_times(case)
    assert case.first_response_due_at == datetime(2026, 12, 28, 8, 30, tzinfo=UTC)  # Mon 09:30 Warsaw
