"""When the closed line opens again, as callers hear it in their language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk.telephony.texts import closed_message, reopening

WARSAW = ZoneInfo("Europe/Warsaw")
FRIDAY_EVENING = datetime(2026, 12, 4, 18, tzinfo=WARSAW)


@pytest.mark.parametrize(("opens_at", "locale", "words"), [
    (datetime(2026, 12, 5, 8, 30, tzinfo=WARSAW), "pl", "jutro od 8:30"),
    (datetime(2026, 12, 5, 8, 30, tzinfo=WARSAW), "en", "tomorrow from 8:30"),
    (datetime(2026, 12, 7, 9, tzinfo=WARSAW), "pl", "w poniedziałek od 9:00"),
    (datetime(2026, 12, 9, 9, tzinfo=WARSAW), "pl", "w środę od 9:00"),
    (datetime(2026, 12, 8, 9, tzinfo=WARSAW), "ru", "во вторник с 9:00"),
    (datetime(2026, 12, 4, 20, tzinfo=WARSAW), "ru", "сегодня с 20:00"),
    (datetime(2027, 1, 4, 9, tzinfo=WARSAW), "pl", "4 stycznia od 9:00"),
    (datetime(2027, 1, 4, 9, tzinfo=WARSAW), "ru", "4 января с 9:00"),
    (datetime(2027, 1, 4, 9, tzinfo=WARSAW), "en", "on 4 January from 9:00"),
])
def test_the_reopening_is_said_as_a_day_and_time_in_the_callers_language(opens_at, locale, words):
    assert reopening(locale, opens_at, FRIDAY_EVENING) == words


def test_the_day_is_counted_in_the_programs_timezone_not_in_utc():
    just_after_midnight = datetime(2026, 12, 5, 0, 10, tzinfo=WARSAW)  # still Friday in UTC
    assert reopening("en", datetime(2026, 12, 5, 9, tzinfo=WARSAW), just_after_midnight) == "today from 9:00"


def test_without_a_known_reopening_the_plain_closed_message_is_said():
    assert closed_message("pl", None, FRIDAY_EVENING).startswith("Infolinia jest teraz nieczynna. Prosimy")
