"""Report periods: ranges of program-local dates, from query arguments such as ``from=2026-01-01``."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.database import utcnow
from helpdesk.errors import ValidationError
from helpdesk.programs.models import Program
from helpdesk.validation import within_years

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
MAX_DAYS = 3 * 366
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def today_in(program: Program, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(program.timezone)).date()


def default_period(today: date) -> Period:
    """The last 12 weeks: from the Monday 11 weeks before this week's, to today."""
    return Period(today - timedelta(days=today.weekday() + 7 * (DEFAULT_WEEKS - 1)), today)


def parse_date(name: str, text: str | None) -> date | None:
    """``YYYY-MM-DD`` or nothing; anything else is a ValidationError naming ``name``."""
    if text is None or text == "":
        return None
    if not isinstance(text, str) or not _DATE.match(text):
        raise ValidationError(name, "must be a date as YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(name, "is not a date in the calendar") from None
    try:
        return within_years(day)
    except ValueError as exc:
        raise ValidationError(name, str(exc)) from None


def parse_period(start_text: str | None, end_text: str | None, *, today: date, required: bool = False) -> Period:
    """The period ``from``–``to`` (inclusive); missing ends default to the last 12 weeks unless required."""
    start, end = parse_date("from", start_text), parse_date("to", end_text)
    missing = {name: "is required" for name, value in (("from", start), ("to", end)) if value is None}
    if required and missing:
        raise ValidationError(missing)
    if start is None and end is None:
        return default_period(today)
    end = end or today
    start = start or end - timedelta(weeks=DEFAULT_WEEKS, days=-1)
    if start > end:
        raise ValidationError("from", "must not be after to")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError("to", f"must make a period of at most {MAX_DAYS} days")
    return Period(start, end)
