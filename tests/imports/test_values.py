"""Numbers and dates written the Polish, Russian or English way."""

from datetime import UTC, date, datetime

import pytest

from helpdesk.imports.values import day, moment, whole_number


@pytest.mark.parametrize("written, read", [
    ("4 500,00", 4500), ("4.500", 4500), ("4,500", 4500), ("4500", 4500), ("4.500,00", 4500), ("1 000 000", 1_000_000),
    ("1,000,000", 1_000_000), ("4\u00a0500", 4500), (4500.0, 4500), (12, 12), ("-5", -5),
    ("4,5", "4,5"), ("4 500,50", "4 500,50"), ("lots", "lots"), ("", ""),
])
def test_whole_numbers_in_local_formats(written, read):
    assert whole_number(written) == read


@pytest.mark.parametrize("written, read", [
    ("08.11.2026", datetime(2026, 11, 7, 23, 0, tzinfo=UTC)),
    ("8.11.2026 14:30", datetime(2026, 11, 8, 13, 30, tzinfo=UTC)),
    ("2026-11-08 14:30", datetime(2026, 11, 8, 13, 30, tzinfo=UTC)),
    (datetime(2026, 7, 1, 12, 0), datetime(2026, 7, 1, 10, 0, tzinfo=UTC)),
    ("2026-11-08", "2026-11-08"),  # ISO text keeps its meaning (UTC) in the field's own parser
    ("31.02.2026", "31.02.2026"),
])
def test_local_dates_and_times_are_in_the_programs_time_zone(written, read):
    assert moment(written, "Europe/Warsaw") == read


def test_days_in_local_format():
    assert (day("08.11.2026"), day("8.1.2026"), day(datetime(2026, 1, 2, 3, 4)), day("2026-11-08")) == (
        date(2026, 11, 8), date(2026, 1, 8), date(2026, 1, 2), "2026-11-08")
