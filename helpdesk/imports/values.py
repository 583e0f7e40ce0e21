"""Values as Polish, Russian and English spreadsheets write them: ``4 500,00``, ``4.500``, ``4,500``,
``08.11.2026``, ``8.11.2026 14:30``, ``2026-11-08``; Excel's own numbers and dates pass through.

Dates written the local way (day first) are in the program's time zone; ISO 8601 text keeps the meaning the
order import always gave it (a time without an offset is UTC), so files made for the old import load the same.
"""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)*")
_LOCAL = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ISO_SPACE = re.compile(r"\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}(?::\d{2})?")


def whole_number(value):
    """An int from ``4 500``, ``4 500,00``, ``4.500``, ``4,500`` or Excel's 4500.0; other text is returned as it
    is, for the field's own check to refuse with its message."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return value
    text = _SPACES.sub("", value)
    if not _NUMBER.fullmatch(text):
        return value
    last = max(text.rfind(","), text.rfind("."))
    if last != -1:
        whole, fraction = text[:last], text[last + 1:]
        if len(fraction) == 3 and not _decimal(text):
            whole, fraction = text, ""  # 4.500 and 4,500: thousands
        if fraction.strip("0"):
            return value  # 4,5 points is not a whole number: let the check say so
        text = re.sub(r"[.,]", "", whole)
    return int(text)


def _decimal(text: str) -> bool:
    """``4.500,00``: two different separators, the last is the decimal one."""
    return "," in text and "." in text


def moment(value, timezone: str):
    """A datetime (aware, UTC) from a local date or date-time, or Excel's; ISO text and anything else is
    returned as it is, for the field's own parser."""
    if isinstance(value, datetime):
        return _localised(value, timezone)
    if isinstance(value, date):
        return _localised(datetime(value.year, value.month, value.day), timezone)
    if not isinstance(value, str):
        return value
    text = value.strip()
    local = _LOCAL.fullmatch(text)
    if local:
        day, month, year, hour, minute, second = (int(part) if part else 0 for part in local.groups())
        try:
            return _localised(datetime(year, month, day, hour, minute, second), timezone)
        except ValueError:
            return value
    if _ISO_SPACE.fullmatch(text):
        try:
            return _localised(datetime.fromisoformat(text), timezone)
        except ValueError:
            return value
    return value


def day(value):
    """A date from ``08.11.2026``, ``8.11.2026`` or Excel's; other values as they are."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        local = _LOCAL.fullmatch(value.strip())
        if local and local.group(4) is None:
            try:
                return date(int(local.group(3)), int(local.group(2)), int(local.group(1)))
            except ValueError:
                return value
    return value


def _localised(naive: datetime, timezone: str) -> datetime:
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def text(value) -> str:
    """A cell as text: Excel numbers without a trailing ``.0``, dates in ISO form."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return "" if value is None else str(value)
