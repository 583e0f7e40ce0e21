from datetime import UTC, datetime

import pytest

from helpdesk.programs.business_hours import add_business_minutes, validate_business_hours
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
