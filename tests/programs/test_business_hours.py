from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from helpdesk.programs.business_hours import (
    add_business_minutes,
    is_open_at,
    next_opening,
    special_hours,
    validate_business_hours,
)
from helpdesk.programs.models import DEFAULT_BUSINESS_HOURS

WARSAW_OFFICE = DEFAULT_BUSINESS_HOURS  # Mon-Fri 09:00-17:00


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_time_inside_business_hours_simply_adds_up():
    # Tue 2026-11-24 10:00 Warsaw (09:00 UTC) + 60 min
    assert add_business_minutes(utc(2026, 11, 24, 9), 60, WARSAW_OFFICE, "Europe/Warsaw") == utc(2026, 11, 24, 10)


def test_the_clock_stops_overnight_and_over_the_weekend():
    # Fri 16:30 Warsaw + 60 min → Mon 09:30 Warsaw
    friday = utc(2026, 11, 27, 15, 30)
    assert add_business_minutes(friday, 60, WARSAW_OFFICE, "Europe/Warsaw") == utc(2026, 11, 30, 8, 30)


def test_a_dst_change_keeps_wall_clock_hours():
    # Sat 2026-03-28 → Mon 2026-03-30: Warsaw moves from UTC+1 to UTC+2 on Sunday.
    saturday = utc(2026, 3, 28, 12)
    assert add_business_minutes(saturday, 30, WARSAW_OFFICE, "Europe/Warsaw") == utc(2026, 3, 30, 7, 30)


def test_the_same_hours_mean_different_utc_times_in_another_timezone():
    moscow_monday_early = utc(2026, 11, 30, 5)  # 08:00 in Moscow
    assert add_business_minutes(moscow_monday_early, 10, WARSAW_OFFICE, "Europe/Moscow") == utc(2026, 11, 30, 6, 10)


def test_no_hours_at_all_means_around_the_clock():
    closed = {day: [] for day in WARSAW_OFFICE}
    assert add_business_minutes(utc(2026, 11, 28, 23), 90, closed, "Europe/Warsaw") == utc(2026, 11, 29, 0, 30)


def test_split_shifts_and_midnight_end_are_understood():
    hours = validate_business_hours({"mon": "08:00-12:00, 13:00-24:00"})
    assert hours["mon"] == ["08:00-12:00", "13:00-24:00"]
    monday_1130_warsaw = utc(2026, 11, 30, 10, 30)
    assert add_business_minutes(monday_1130_warsaw, 60, hours, "Europe/Warsaw") == utc(2026, 11, 30, 12, 30)


@pytest.mark.parametrize("hours, message", [
    ({"mon": ["9-17"]}, "mon: '9-17' is not HH:MM-HH:MM"),
    ({"tue": ["17:00-09:00"]}, "tue: '17:00-09:00' is not a valid interval"),
    ({"wed": ["09:00-12:00", "11:00-13:00"]}, "overlaps"),
    ({"funday": []}, "unknown day"),
])
def test_bad_business_hours_name_the_day_and_the_problem(hours, message):
    with pytest.raises(ValueError, match=message):
        validate_business_hours(hours)


CHRISTMAS = {date(2026, 12, 24): [], date(2026, 12, 25): [], date(2026, 12, 26): []}


def test_a_holiday_stops_the_sla_clock_for_the_whole_day():
    # Wed 23.12 16:30 Warsaw + 60 min: 24-26.12 closed, 27.12 is a Sunday → Mon 28.12 09:30 Warsaw
    start = utc(2026, 12, 23, 15, 30)
    assert add_business_minutes(start, 60, WARSAW_OFFICE, "Europe/Warsaw", CHRISTMAS) == utc(2026, 12, 28, 8, 30)


def test_special_hours_on_a_date_replace_the_weekly_hours():
    # Sat 2026-12-19 open 10:00-12:00 Warsaw: a case at 11:30 gets 30 minutes there, the rest on Monday
    special = {date(2026, 12, 19): ["10:00-12:00"]}
    start = utc(2026, 12, 19, 10, 30)
    assert add_business_minutes(start, 60, WARSAW_OFFICE, "Europe/Warsaw", special) == utc(2026, 12, 21, 8, 30)


def test_a_holiday_closes_even_a_line_open_around_the_clock():
    special = {date(2026, 12, 25): []}
    assert not is_open_at(utc(2026, 12, 25, 12), {}, "Europe/Warsaw", special)
    assert is_open_at(utc(2026, 12, 26, 12), {}, "Europe/Warsaw", special)
    christmas_eve_late = utc(2026, 12, 24, 22, 30)  # 23:30 Warsaw: 30 minutes that day, 30 after Christmas Day
    assert add_business_minutes(christmas_eve_late, 60, {}, "Europe/Warsaw", special) == utc(2026, 12, 25, 23, 30)


def test_the_next_opening_skips_holidays_and_the_weekend():
    opens = next_opening(utc(2026, 12, 23, 17), WARSAW_OFFICE, "Europe/Warsaw", CHRISTMAS)
    assert opens == datetime(2026, 12, 28, 9, tzinfo=ZoneInfo("Europe/Warsaw"))


def test_special_days_of_a_range_are_listed_day_by_day():
    entry = SimpleNamespace(starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26), hours=[])
    shortened = SimpleNamespace(starts_on=date(2026, 12, 31), ends_on=date(2026, 12, 31), hours=["09:00-13:00"])
    assert special_hours([entry, shortened]) == CHRISTMAS | {date(2026, 12, 31): ["09:00-13:00"]}
