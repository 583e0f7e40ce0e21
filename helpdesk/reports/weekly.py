"""The "this week" view: what changed most in the last 7 days against the 4 weeks before, biggest first.

Every source gives weekly series for the five 7-day windows ending today (program-local dates): rates such as
CSAT per category (satisfied of responses) and counts such as cases opened per category. Each series'
last window is compared with the 4 before it and the changes are ranked by how surprising they are: a
z-score against the earlier weeks (binomial for rates, Poisson for counts), so a big swing on a handful of
answers ranks below a steady drift on hundreds. The sources are ``SOURCES``.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from helpdesk.cases.models import Case
from helpdesk.labels import label_for
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import Figures, agent_names, daily
from helpdesk.reports.reward_link import delivery_series
from helpdesk.reports.series import Label, Series, counts_per_window, local_bounds
from helpdesk.reports.series import lazy_label as _l

WEEKS_BEFORE = 4
MIN_VOLUME = 5  # fewer answers or cases than this in the week (or the weeks before) say nothing yet
SHOWN = 12


@dataclass(frozen=True)
class Change:
    label: Label
    kind: str
    now: float  # percent for rates, a count for counts
    before: float  # the 4 earlier weeks: the pooled percentage, or the weekly average count
    volume: int  # this week's denominator (rates) or count
    surprise: float  # signed z-score
    worse_when_up: bool = False

    @property
    def direction(self) -> str:
        return "up" if self.now > self.before else "down"


def windows_ending(today: date) -> list[Period]:
    """Five 7-day windows, the last one ending ``today``."""
    return [Period(today - timedelta(days=7 * k + 6), today - timedelta(days=7 * k))
            for k in range(WEEKS_BEFORE, -1, -1)]


def change_of(series: Series) -> Change | None:
    *earlier, (num, den) = series.windows
    if series.kind == "rate":
        base_num, base_den = sum(n for n, _ in earlier), sum(d for _, d in earlier)
        if den < MIN_VOLUME or base_den < MIN_VOLUME:
            return None
        p0, p1 = base_num / base_den, num / den
        spread = math.sqrt(min(max(p0, 0.05), 0.95) * (1 - min(max(p0, 0.05), 0.95)) / den)
        return Change(series.label, "rate", 100 * p1, 100 * p0, den, (p1 - p0) / spread, series.worse_when_up)
    mean = sum(n for n, _ in earlier) / len(earlier)
    if num + mean < MIN_VOLUME:
        return None
    return Change(series.label, "count", num, mean, num, (num - mean) / math.sqrt(max(mean, 1)), series.worse_when_up)


def ranked_changes(program: Program, today: date, limit: int = SHOWN) -> list[Change]:
    windows = windows_ending(today)
    changes = [change_of(s) for source in SOURCES for s in source(program, windows)]
    changes = [c for c in changes if c is not None and abs(c.surprise) >= 1]
    return sorted(changes, key=lambda c: abs(c.surprise), reverse=True)[:limit]


def _window_index(day: date, windows: list[Period]) -> int | None:
    return next((i for i, w in enumerate(windows) if w.start <= day <= w.end), None)


def survey_series(program: Program, windows: list[Period]) -> list[Series]:
    """CSAT overall and per agent, category and script version; response rate; surveys sent."""
    span = Period(windows[0].start, windows[-1].end)
    series = []
    for dimension in ("all", "category", "agent", "script"):
        folded: dict[str, list[Figures]] = {}
        for (day, key), figures in daily(program, span, dimension).items():
            index = _window_index(day, windows)
            if index is not None:
                folded.setdefault(key, [Figures(figures.scale) for _ in windows])[index] += figures
        names = agent_names(folded) if dimension == "agent" else {}
        for key, per_window in folded.items():
            which = _survey_label(dimension, key, names)
            series.append(Series(_l("CSAT %(which)s", which=which), "rate",
                                 [(f.satisfied, f.responses) for f in per_window]))
            if dimension == "all":
                series.append(Series(_l("Response rate"), "rate", [(f.responses, f.sent) for f in per_window]))
                series.append(Series(_l("Surveys sent"), "count", [(f.sent, 1) for f in per_window]))
    return series


def _survey_label(dimension: str, key: str, names: dict[str, str]) -> Label:
    if dimension == "all":
        return _l("overall")
    if dimension == "category":
        return _l("in %(category)s", category=label_for("category", key))
    if dimension == "agent":
        return _l("for %(agent)s", agent=names.get(key) or _l("unassigned cases"))
    return _l("with script %(script)s", script=key) if key else _l("without a script")


def case_series(program: Program, windows: list[Period]) -> list[Series]:
    """Cases opened per category."""
    counts = counts_per_window(Case.created_at, Case.category, [Case.program_id == program.id],
                               local_bounds(program, windows))
    return [Series(_l("%(category)s cases opened", category=label_for("category", category)), "count",
                   [(n, 1) for n in per_window], worse_when_up=True)
            for category, per_window in counts.items()]


SOURCES = (survey_series, case_series, delivery_series)
