"""Business-hours arithmetic for SLA deadlines, in the program's own timezone (DST-safe).

Hours are stored as ``{"mon": ["09:00-17:00"], ..., "sun": []}``; a week with no hours at all
means the hotline runs around the clock. ``special`` maps dates to the hours that replace the weekly ones on that
day (holidays: an empty list), see :func:`special_hours`.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from helpdesk.programs.models import WEEKDAYS

_INTERVAL = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_MAX_DAYS_AHEAD = 400
_ALL_DAY = ["00:00-24:00"]
Special = dict[date, list[str]]


def parse_interval(text: str) -> tuple[int, int]:
    """``"09:00-17:00"`` → minutes after midnight (540, 1020); raises ValueError."""
    match = _INTERVAL.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not HH:MM-HH:MM")
    h1, m1, h2, m2 = map(int, match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60 or start >= end:
        raise ValueError(f"'{text}' is not a valid interval of one day")
    return start, end


def validate_business_hours(hours: dict) -> dict[str, list[str]]:
    """Return a clean copy of ``hours`` or raise ValueError naming the day."""
    if not isinstance(hours, dict):
        raise ValueError("must map weekdays to lists of HH:MM-HH:MM")
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown day {sorted(unknown)[0]!r}")
    clean = {}
    for day in WEEKDAYS:
        try:
            clean[day] = validate_day_hours(hours.get(day))
        except ValueError as exc:
            raise ValueError(f"{day}: {exc}") from None
    return clean


def validate_day_hours(intervals) -> list[str]:
    """One day's intervals (a list, or text with commas), sorted; raises ValueError for a bad or overlapping one."""
    if isinstance(intervals, str):
        intervals = [part for part in intervals.split(",") if part.strip()]
    parsed = sorted((*parse_interval(text), text.strip()) for text in intervals or [])
    for (_, end, _), (start, _, text) in zip(parsed, parsed[1:], strict=False):
        if start < end:
            raise ValueError(f"'{text}' overlaps another interval")
    return [text for _, _, text in parsed]


def special_hours(entries) -> Special:
    """The program's special days (objects with ``starts_on``, ``ends_on`` and ``hours``), day by day."""
    days = {}
    for entry in entries:
        day = entry.starts_on
        while day <= entry.ends_on:
            days[day] = list(entry.hours or [])
            day += timedelta(days=1)
    return days


def _always_open(hours: dict) -> bool:
    return not any(hours.get(day) for day in WEEKDAYS)


def _intervals_on(day: date, hours: dict, tz: ZoneInfo, special: Special) -> list[tuple[datetime, datetime]]:
    if day in special:
        texts = special[day]
    else:
        texts = _ALL_DAY if _always_open(hours) else hours.get(WEEKDAYS[day.weekday()], [])
    result = []
    for text in texts:
        start, end = parse_interval(text)
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        # Wall-clock times built per day, so a DST change shifts nothing but that day's length.
        local_start = datetime.combine(day, time(start // 60, start % 60), tzinfo=tz)
        local_end = (
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
            if end == 24 * 60
            else datetime.combine(day, time(end // 60, end % 60), tzinfo=tz)
        )
        result.append((max(local_start, midnight).astimezone(UTC), local_end.astimezone(UTC)))
    return result


def add_business_minutes(start: datetime, minutes: int, hours: dict, timezone: str,
                         special: Special | None = None) -> datetime:
    """The moment ``minutes`` of business time after ``start`` (an aware datetime), as UTC."""
    start, special = start.astimezone(UTC), special or {}
    if _always_open(hours) and not special:
        return start + timedelta(minutes=minutes)
    tz = ZoneInfo(timezone)
    remaining = timedelta(minutes=minutes)
    day = start.astimezone(tz).date()
    for _ in range(_MAX_DAYS_AHEAD):
        for open_at, close_at in _intervals_on(day, hours, tz, special):
            begin = max(open_at, start)
            if begin >= close_at:
                continue
            if begin + remaining <= close_at:
                return begin + remaining
            remaining -= close_at - begin
        day += timedelta(days=1)
    raise ValueError("business hours leave no time within a year")


def is_open_at(moment: datetime, hours: dict, timezone: str, special: Special | None = None) -> bool:
    """Is ``moment`` inside the business hours? A week with no hours at all is open but on special days."""
    tz, moment = ZoneInfo(timezone), moment.astimezone(UTC)
    return any(start <= moment < end
               for start, end in _intervals_on(moment.astimezone(tz).date(), hours, tz, special or {}))


def next_opening(moment: datetime, hours: dict, timezone: str, special: Special | None = None) -> datetime | None:
    """When the line opens next after ``moment``, in the program's timezone; None if not within a year."""
    tz, moment = ZoneInfo(timezone), moment.astimezone(UTC)
    day = moment.astimezone(tz).date()
    for _ in range(_MAX_DAYS_AHEAD):
        for open_at, _close_at in _intervals_on(day, hours, tz, special or {}):
            if open_at > moment:
                return open_at.astimezone(tz)
        day += timedelta(days=1)
    return None
