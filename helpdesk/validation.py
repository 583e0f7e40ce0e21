"""Checking input: field errors collected so a service reports every bad field at once (one ValidationError), and
the bounds every id and date keeps, so that no value a column cannot hold reaches a query."""

import re
import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask_babel import gettext as _

from helpdesk.errors import ValidationError

T = TypeVar("T")


class FieldErrors:
    def __init__(self):
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def check(self, field: str, convert: Callable[[], Any]) -> Any:
        """Run ``convert``; a ValueError becomes the field's message and the result None."""
        try:
            return convert()
        except ValueError as exc:
            self.add(field, str(exc))
            return None

    def text(self, field: str, value, *, max_length: int, required: bool = True, pattern: str | None = None,
             pattern_message: str | None = None) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, _("is required"))
            return None if required else ""
        if not isinstance(value, str):
            self.add(field, _("must be text"))
            return None
        value = value.strip()
        if "\x00" in value:
            self.add(field, _("contains a NUL character"))
        elif len(value) > max_length:
            self.add(field, _("is longer than %(count)s characters", count=max_length))
        elif pattern and not re.match(pattern, value):
            self.add(field, pattern_message or _("has an invalid format"))
        else:
            return value
        return None

    def choice(self, field: str, value, enum_class, *, required: bool = True):
        if value is None or value == "":
            if required:
                self.add(field, _("is required"))
            return None
        try:
            return enum_class(value)
        except ValueError:
            self.add(field, _("must be one of %(values)s", values=", ".join(m.value for m in enum_class)))
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(dict(self.fields))


class FirstSeen:
    """Where each key of a batch (a file's rows, an API call's items) was first given, so a key given again is
    refused naming the first place.

    Kept in a private temporary SQLite database (SQLite deletes it when the connection closes) rather than a
    dict: a million-row file's keys take about 120 MB as Python strings and ints, here a page cache of 16 MB.
    """

    def __init__(self):
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA cache_size = -16000")
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, first) WITHOUT ROWID")
        self._db.execute("BEGIN")  # never committed: one transaction until the batch is done

    def first(self, key: str, where):
        """None the first time ``key`` is given (recording ``where``), else the ``where`` of that first time."""
        if self._db.execute("INSERT INTO seen VALUES (?, ?) ON CONFLICT DO NOTHING", (key, where)).rowcount:
            return None
        return self._db.execute("SELECT first FROM seen WHERE key = ?", (key,)).fetchone()[0]


MAX_ID = 2**31 - 1  # the largest value an integer column holds on every database
FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse_id(text) -> int | None:
    """A record id from a query argument or form field: ASCII digits from 1 to MAX_ID, else None (no record)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    return int(text) if 1 <= int(text) <= MAX_ID else None


def within_years(moment: T) -> T:
    """``moment`` (a date or datetime) if it falls in the years 1900–2100, else a ValueError saying so: dates
    outside them are typing errors, and near year 9999 a day's arithmetic overflows."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(_("must be in the years %(first)s–%(last)s", first=FIRST_YEAR, last=LAST_YEAR))
    return moment


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date in the years 1900–2100, else a ValueError saying what is wrong."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("is not a date (YYYY-MM-DD)")) from None
    return within_years(day)
