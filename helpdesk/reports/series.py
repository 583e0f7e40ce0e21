"""Weekly series for the "this week" view: what a source returns, and the helpers sources count with."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import LazyString, gettext
from markupsafe import escape
from sqlalchemy import and_, case, func, select

from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period


class Label(LazyString):
    """A series' label, translated when shown: a report is computed once and mailed to managers of different
    languages. Escaped in HTML (Flask-Babel's lazy strings pass as markup), for it holds names."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_label(text: str, **variables) -> Label:
    """``lazy_gettext`` for series labels; imported as ``_l``, which ``make messages`` extracts."""
    return Label(gettext, text, **variables)


@dataclass(frozen=True)
class Series:
    """One measure over the windows, oldest first: (numerator, denominator) per window; counts have 1s."""

    label: Label
    kind: str  # "rate" (a percentage of the denominator) or "count"
    windows: list[tuple[int, int]]
    worse_when_up: bool = False  # more of it is bad news (cases opened), whatever the kind


def local_bounds(program: Program, windows: list[Period]) -> list[tuple[datetime, datetime]]:
    """Each window as UTC instants from its first local midnight to the one after its last day."""
    tz = ZoneInfo(program.timezone)

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)

    return [(midnight(w.start), midnight(w.end + timedelta(days=1))) for w in windows]


def counts_per_window(column, key, filters, bounds) -> dict:
    """``{key: [count per window]}`` in one GROUP BY: a conditional sum per window."""
    sums = [func.sum(case((and_(column >= lo, column < hi), 1), else_=0)) for lo, hi in bounds]
    rows = db.session.execute(select(key, *sums).where(*filters, column >= bounds[0][0], column < bounds[-1][1])
                              .group_by(key))
    return {row[0]: [int(n or 0) for n in row[1:]] for row in rows}
