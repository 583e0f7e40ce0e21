"""When a survey is scheduled, moved, skipped or cancelled."""

from datetime import UTC, datetime, time, timedelta

import pytest

from helpdesk.cases.services import update_case
from helpdesk.database import utcnow
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.scripts.services.runs import start_run
from helpdesk.surveys.models import SCALES, Survey, SurveyStatus
from helpdesk.surveys.scheduling import due_time, out_of_quiet_hours, schedule_survey
from helpdesk.surveys.settings import SurveyRules, parse_quiet_hours, rules_for, update_survey_settings
from tests.scripts.conftest import save_script
from tests.scripts.test_check import MINI
from tests.surveys.conftest import resolve, survey_of

QUIET = (time(21), time(9))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rules(delay_minutes=60, quiet=QUIET, fatigue_days=30) -> SurveyRules:
    return SurveyRules(enabled=True, delay=timedelta(minutes=delay_minutes), quiet_hours=quiet,
                       fatigue=timedelta(days=fatigue_days), scale=SCALES[5], texts={})


# Quiet hours, in the program's own time zone

@pytest.mark.parametrize(("moment", "timezone", "expected"), [
    # Warsaw in winter is UTC+1: 20:30 local is outside, 21:30 local waits for 09:00 local (08:00 UTC)
    (utc(2026, 1, 14, 19, 30), "Europe/Warsaw", utc(2026, 1, 14, 19, 30)),
    (utc(2026, 1, 14, 20, 30), "Europe/Warsaw", utc(2026, 1, 15, 8, 0)),
    (utc(2026, 1, 14, 2, 0), "Europe/Warsaw", utc(2026, 1, 14, 8, 0)),
    (utc(2026, 1, 14, 8, 0), "Europe/Warsaw", utc(2026, 1, 14, 8, 0)),  # 09:00 sharp is allowed
    (utc(2026, 1, 14, 19, 59), "Europe/Warsaw", utc(2026, 1, 14, 19, 59)),
    (utc(2026, 1, 14, 20, 0), "Europe/Warsaw", utc(2026, 1, 15, 8, 0)),  # 21:00 sharp is quiet
    # the same UTC instant is evening in Moscow (UTC+3) and afternoon in New York (UTC-5)
    (utc(2026, 1, 14, 18, 30), "Europe/Moscow", utc(2026, 1, 15, 6, 0)),
    (utc(2026, 1, 14, 18, 30), "America/New_York", utc(2026, 1, 14, 18, 30)),
    (utc(2026, 1, 15, 3, 0), "America/New_York", utc(2026, 1, 15, 14, 0)),  # 22:00 in New York
    (utc(2026, 1, 14, 23, 0), "Asia/Tokyo", utc(2026, 1, 15, 0, 0)),  # 08:00 Tokyo: wait an hour
])
def test_a_survey_in_quiet_hours_waits_for_the_morning_on_the_programs_clock(moment, timezone, expected):
    assert out_of_quiet_hours(moment, timezone, QUIET) == expected


def test_the_morning_after_the_spring_dst_change_is_an_hour_earlier_in_utc():
    # Warsaw moves from UTC+1 to UTC+2 on 29 March 2026: 09:00 that morning is 07:00 UTC, not 08:00
    resolved = utc(2026, 3, 28, 21, 30)  # 22:30 local, the evening before
    assert out_of_quiet_hours(resolved, "Europe/Warsaw", QUIET) == utc(2026, 3, 29, 7, 0)


def test_the_morning_after_the_autumn_dst_change_is_an_hour_later_in_utc():
    # New York moves from UTC-4 to UTC-5 on 1 November 2026
    resolved = utc(2026, 11, 1, 3, 30)  # 23:30 on 31 October, local
    assert out_of_quiet_hours(resolved, "America/New_York", QUIET) == utc(2026, 11, 1, 14, 0)


def test_quiet_hours_ending_in_the_hour_a_dst_change_skips_still_end_after_it():
    # 02:30 does not exist in Warsaw on 29 March 2026; the survey goes at 03:30 local (01:30 UTC)
    moment = utc(2026, 3, 28, 23, 0)  # 00:00 local
    assert out_of_quiet_hours(moment, "Europe/Warsaw", (time(23), time(2, 30))) == utc(2026, 3, 29, 1, 30)


def test_quiet_hours_within_one_day_and_none_at_all():
    lunch = (time(12), time(13))
    assert out_of_quiet_hours(utc(2026, 1, 14, 11, 30), "Europe/Warsaw", lunch) == utc(2026, 1, 14, 12, 0)
    assert out_of_quiet_hours(utc(2026, 1, 14, 9, 0), "Europe/Warsaw", lunch) == utc(2026, 1, 14, 9, 0)
    assert out_of_quiet_hours(utc(2026, 1, 14, 23, 0), "Europe/Warsaw", None) == utc(2026, 1, 14, 23, 0)


def test_the_delay_comes_first_then_quiet_hours():
    resolved = utc(2026, 1, 14, 19, 30)  # 20:30 in Warsaw; 60 minutes later it is quiet
    assert due_time(resolved, "Europe/Warsaw", rules(60)) == utc(2026, 1, 15, 8, 0)
    assert due_time(resolved, "Europe/Warsaw", rules(0)) == resolved
    assert due_time(resolved, "Europe/Warsaw", rules(15)) == resolved + timedelta(minutes=15)


@pytest.mark.parametrize("text", ["21:00", "25:00-09:00", "21:00-21:00", "9:00-10:00", "21:00-09:00x"])
def test_quiet_hours_that_are_not_an_interval_are_refused(text):
    with pytest.raises(ValueError):
        parse_quiet_hours(text)


# Scheduling as the case is resolved

def test_resolving_a_case_schedules_its_survey_in_the_same_transaction(open_case, survey_agent, member):
    resolve(open_case, survey_agent)
    survey = survey_of(open_case)
    assert survey.status == SurveyStatus.SCHEDULED
    assert survey.due_at >= open_case.resolved_at + timedelta(minutes=60)
    assert (survey.participant, survey.agent, survey.category, survey.locale) == (
        member, survey_agent, "points", "pl")


def test_a_rolled_back_resolution_leaves_no_survey(app, open_case, survey_agent):
    nested = db.session.begin_nested()
    resolve(open_case, survey_agent)
    nested.rollback()
    assert survey_of(open_case) is None


def test_a_delay_of_zero_means_the_next_dispatch(app, monkeypatch, open_case, survey_agent):
    monkeypatch.setitem(app.config, "SURVEY_DELAY_MINUTES", 0)
    monkeypatch.setitem(app.config, "SURVEY_QUIET_HOURS", "")
    resolve(open_case, survey_agent)
    assert survey_of(open_case).due_at == open_case.resolved_at


def test_the_programs_own_delay_and_quiet_hours_win_over_the_configuration(open_case, survey_agent,
                                                                          survey_program):
    update_survey_settings(survey_program, enabled=True, delay_minutes=5, quiet_hours="", fatigue_days=None,
                           texts={}, actor=survey_agent)
    resolve(open_case, survey_agent)
    assert survey_of(open_case).due_at == open_case.resolved_at + timedelta(minutes=5)


def test_reopening_the_case_before_sending_cancels_the_survey(open_case, survey_agent):
    resolve(open_case, survey_agent)
    update_case(open_case, actor=survey_agent, status="open")
    survey = survey_of(open_case)
    assert (survey.status, survey.reason) == (SurveyStatus.CANCELLED, "reopened")


def test_resolving_again_after_a_reopen_schedules_a_new_survey(open_case, survey_agent):
    resolve(open_case, survey_agent)
    update_case(open_case, actor=survey_agent, status="open")
    resolve(open_case, survey_agent)
    statuses = [s.status for s in db.session.query(Survey).filter_by(case_id=open_case.id).order_by(Survey.id)]
    assert statuses == [SurveyStatus.CANCELLED, SurveyStatus.SCHEDULED]


def test_closing_a_resolved_case_keeps_its_survey(open_case, survey_agent):
    resolve(open_case, survey_agent)
    update_case(open_case, actor=survey_agent, status="closed")
    assert survey_of(open_case).status == SurveyStatus.SCHEDULED


def test_reopening_after_the_survey_went_out_changes_nothing(open_case, survey_agent):
    resolve(open_case, survey_agent)
    survey = survey_of(open_case)
    survey.status, survey.sent_at = SurveyStatus.SENT, utcnow()
    update_case(open_case, actor=survey_agent, status="open")
    assert survey.status == SurveyStatus.SENT


# Skipped, with the reason recorded

def test_a_participant_surveyed_in_the_last_30_days_is_not_asked_again(make, survey_program, member,
                                                                      survey_agent, open_case):
    earlier = make.case(survey_program, participant=member)
    db.session.add(Survey(case=earlier, program_id=survey_program.id, participant=member, category="points",
                          locale="pl", status=SurveyStatus.ANSWERED, sent_at=utcnow() - timedelta(days=29)))
    resolve(open_case, survey_agent)
    survey = survey_of(open_case)
    assert (survey.status, survey.reason) == (SurveyStatus.SKIPPED, "recent_survey")


def test_a_survey_older_than_the_fatigue_window_does_not_stop_the_next(make, survey_program, member,
                                                                      survey_agent, open_case):
    earlier = make.case(survey_program, participant=member)
    db.session.add(Survey(case=earlier, program_id=survey_program.id, participant=member, category="points",
                          locale="pl", status=SurveyStatus.EXPIRED, sent_at=utcnow() - timedelta(days=31)))
    resolve(open_case, survey_agent)
    assert survey_of(open_case).status == SurveyStatus.SCHEDULED


def test_a_survey_still_waiting_to_go_out_counts_for_the_fatigue_window(make, survey_program, member,
                                                                       survey_agent, open_case):
    other = make.case(survey_program, participant=member)
    resolve(other, survey_agent)
    resolve(open_case, survey_agent)
    assert survey_of(open_case).reason == "recent_survey"


def test_the_fatigue_window_is_configurable_per_program(make, survey_program, member, survey_agent, open_case):
    update_survey_settings(survey_program, enabled=True, delay_minutes=None, quiet_hours=None, fatigue_days=7,
                           texts={}, actor=survey_agent)
    earlier = make.case(survey_program, participant=member)
    db.session.add(Survey(case=earlier, program_id=survey_program.id, participant=member, category="points",
                          locale="pl", status=SurveyStatus.ANSWERED, sent_at=utcnow() - timedelta(days=8)))
    resolve(open_case, survey_agent)
    assert survey_of(open_case).status == SurveyStatus.SCHEDULED


@pytest.mark.parametrize(("change", "reason"), [
    (lambda p: setattr(p, "sms_opt_out", True), "opted_out"),
    (lambda p: setattr(p, "phone", None), "no_phone"),
])
def test_participants_who_cannot_get_a_text_are_skipped_with_the_reason(open_case, survey_agent, member, change,
                                                                        reason):
    change(member)
    resolve(open_case, survey_agent)
    assert (survey_of(open_case).status, survey_of(open_case).reason) == (SurveyStatus.SKIPPED, reason)


def test_a_case_without_a_participant_records_a_skipped_survey(make, survey_program, survey_agent):
    case = make.case(survey_program, participant=None)
    resolve(case, survey_agent)
    assert survey_of(case).reason == "no_participant"


def test_a_program_with_surveys_switched_off_skips_them(open_case, survey_agent, survey_program):
    update_survey_settings(survey_program, enabled=False, delay_minutes=None, quiet_hours=None,
                           fatigue_days=None, texts={}, actor=survey_agent)
    resolve(open_case, survey_agent)
    assert survey_of(open_case).reason == "disabled"


def test_a_participant_without_a_known_language_gets_the_programs(open_case, member):
    member.locale = "de"
    open_case.resolved_at = utcnow()
    assert schedule_survey(open_case).locale == "pl"


def test_survey_settings_refuse_bad_values_field_by_field(survey_program, survey_agent):
    with pytest.raises(ValidationError) as caught:
        update_survey_settings(survey_program, enabled=True, delay_minutes="-5", quiet_hours="late",
                               fatigue_days="9999", texts={"en": {"question": "Rate {name} 1-5"}}, scale="7",
                               actor=survey_agent)
    assert set(caught.value.fields) == {"delay_minutes", "quiet_hours", "fatigue_days", "text_en_question", "scale"}
    assert "{name}" in caught.value.fields["text_en_question"]


def test_the_survey_records_the_version_of_the_script_run_on_the_case(make, open_case, survey_agent):
    script = save_script(MINI, make.SYSTEM).script
    start_run(open_case, script, actor=survey_agent)
    resolve(open_case, survey_agent)
    assert survey_of(open_case).script_version == "Mini v1"


def test_without_a_script_run_the_survey_has_no_script_version(open_case, survey_agent):
    resolve(open_case, survey_agent)
    assert survey_of(open_case).script_version is None


def test_saving_the_survey_rules_without_a_scale_keeps_the_programs_scale(survey_program, survey_agent):
    update_survey_settings(survey_program, enabled=True, delay_minutes="", quiet_hours="", fatigue_days="",
                           texts={}, scale="10", actor=survey_agent)
    update_survey_settings(survey_program, enabled=False, delay_minutes="", quiet_hours="", fatigue_days="",
                           texts={}, actor=survey_agent)
    assert rules_for(survey_program).scale.top == 10
