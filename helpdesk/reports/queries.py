"""Satisfaction figures for a program and period, as SQL aggregates over the daily totals.

A period is a range of program-local dates, inclusive; a survey counts on the day it was sent, its answer
with it wherever that arrived. Figures are on the program's scale (1-5 or 0-10): surveys asked on another
scale, before the program switched, are not mixed in. Every figure is one GROUP BY over at most a year of
:class:`SurveyDay` rows per key; the lists of surveys (comments, CSV) are bounded or streamed.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.labels import label_for
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.surveys.models import ALL_SCORES, DETRACTORS, PROMOTERS, SCALES, Scale, Survey, SurveyDay
from helpdesk.surveys.settings import scale_of
from helpdesk.surveys.stats import PAIRS

COMMENTS_SHOWN = 20
SUMS = ("sent", "responses", "score_sum", "unclear", *(f"score_{n}" for n in ALL_SCORES))


@dataclass
class Figures:
    scale: Scale = SCALES[5]
    sent: int = 0
    responses: int = 0
    score_sum: int = 0
    unclear: int = 0  # replies no score was read from
    distribution: dict[int, int] = field(default_factory=dict)

    def __post_init__(self):
        self.distribution = {n: self.distribution.get(n, 0) for n in self.scale.scores}

    @classmethod
    def from_row(cls, row, scale: Scale) -> "Figures":
        sent, responses, score_sum, unclear, *counts = (int(value or 0) for value in row)
        return cls(scale, sent, responses, score_sum, unclear, dict(zip(ALL_SCORES, counts, strict=True)))

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.scale, self.sent + other.sent, self.responses + other.responses,
                       self.score_sum + other.score_sum, self.unclear + other.unclear,
                       {n: self.distribution[n] + other.distribution.get(n, 0) for n in self.scale.scores})

    @property
    def satisfied(self) -> int:
        return sum(count for score, count in self.distribution.items() if score >= self.scale.satisfied)

    @property
    def nps(self) -> float | None:
        """On 0-10: the share of promoters (9-10) minus that of detractors (0-6), -100 to 100."""
        if self.scale.top != 10 or not self.responses:
            return None
        promoters = sum(count for score, count in self.distribution.items() if score >= PROMOTERS)
        detractors = sum(count for score, count in self.distribution.items() if score <= DETRACTORS)
        return 100 * (promoters - detractors) / self.responses

    @property
    def unclear_percent(self) -> float | None:
        """The share of replies to the question no score was read from, 0 to 100."""
        replies = self.responses + self.unclear
        return 100 * self.unclear / replies if replies else None

    @property
    def response_rate(self) -> float | None:
        """Responses per survey sent, 0 to 1."""
        return self.responses / self.sent if self.sent else None

    @property
    def average(self) -> float | None:
        return self.score_sum / self.responses if self.responses else None

    @property
    def csat_percent(self) -> float | None:
        """The share of satisfied scores (4-5 on 1-5, 9-10 on 0-10) among the responses, 0 to 100."""
        return 100 * self.satisfied / self.responses if self.responses else None


def _sums():
    return [func.sum(getattr(SurveyDay, name)) for name in SUMS]


def _days(program: Program, dimension: str, period: Period):
    return (SurveyDay.program_id == program.id, SurveyDay.dimension == dimension,
            SurveyDay.scale == scale_of(program).top, SurveyDay.day >= period.start, SurveyDay.day <= period.end)


def summary(program: Program, period: Period) -> Figures:
    row = db.session.execute(select(*_sums()).where(*_days(program, "all", period))).one()
    return Figures.from_row(row, scale_of(program))


def by_key(program: Program, dimension: str, period: Period, where=(), group=SurveyDay.key) -> dict[str, Figures]:
    """Figures per agent id, category or script version ("" for none), most surveys first (per ``group`` of the
    rows matching ``where``)."""
    rows = db.session.execute(select(group, *_sums()).where(*_days(program, dimension, period), *where)
                              .group_by(group).order_by(func.sum(SurveyDay.sent).desc()))
    scale = scale_of(program)
    return {key: Figures.from_row(sums, scale) for key, *sums in rows}


def by_pair(program: Program, period: Period, held: str, value: str, grouped: str) -> dict[str, Figures]:
    """As :func:`by_key` for dimension ``grouped``, over the surveys counted under ``value`` of ``held``, from
    the rows of the pair of the two (one of them a reward or vendor)."""
    if f"{held}_{grouped}" in PAIRS:
        return by_key(program, f"{held}_{grouped}", period, [SurveyDay.key == value], SurveyDay.pair_key)
    return by_key(program, f"{grouped}_{held}", period, [SurveyDay.pair_key == value])


def daily(program: Program, period: Period, dimension: str = "all", key: str | None = None
          ) -> dict[tuple[date, str], Figures]:
    """Figures per (day, key) (of one ``key`` if given): the rows weekly series are folded from."""
    where = [] if key is None else [SurveyDay.key == key]
    rows = db.session.execute(select(SurveyDay.day, SurveyDay.key, *_sums())
                              .where(*_days(program, dimension, period), *where).group_by(SurveyDay.day, SurveyDay.key))
    scale = scale_of(program)
    return {(day, key): Figures.from_row(sums, scale) for day, key, *sums in rows}


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weekly(program: Program, period: Period, days: dict | None = None) -> list[tuple[date, Figures]]:
    """Figures per week (by its Monday) across the period, empty weeks included, folded from ``days`` (default
    :func:`daily`)."""
    weeks: dict[date, Figures] = {}
    monday, scale = week_of(period.start), scale_of(program)
    while monday <= period.end:
        weeks[monday] = Figures(scale)
        monday += timedelta(days=7)
    for (day, _key), figures in (daily(program, period) if days is None else days).items():
        weeks[week_of(day)] += figures
    return list(weeks.items())


def previous_period(period: Period) -> Period:
    """The period of equal length just before ``period``."""
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def agent_names(keys) -> dict[str, str]:
    ids = [int(key) for key in keys if key.isdigit()]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return {str(user_id): name for user_id, name in names.items()}


def latest_comments(program: Program, period: Period, limit: int = COMMENTS_SHOWN, where=()) -> list[Survey]:
    """Comments on surveys sent in the period (and matching ``where``), lowest scores first, the latest first
    within a score."""
    return list(db.session.scalars(
        select(Survey).where(Survey.program_id == program.id, Survey.score.is_not(None),
                             Survey.comment_at.is_not(None), Survey.sent_day >= period.start,
                             Survey.sent_day <= period.end, *where)
        .options(selectinload(Survey.case)).order_by(Survey.score, Survey.comment_at.desc()).limit(limit)))


def agent_figures(user: User, period: Period) -> list[Figures]:
    """An agent's own figures across the programs they serve, one per scale they were rated on (1-5 first)."""
    query = (select(SurveyDay.scale, *_sums()).where(SurveyDay.dimension == "agent", SurveyDay.key == str(user.id),
                                                     SurveyDay.day >= period.start, SurveyDay.day <= period.end)
             .group_by(SurveyDay.scale).order_by(SurveyDay.scale))
    programs = user.visible_program_ids()
    if programs is not None:
        query = query.where(SurveyDay.program_id.in_(programs))
    return [Figures.from_row(sums, SCALES[scale]) for scale, *sums in db.session.execute(query)] or [Figures()]


def agent_answers(user: User, limit: int = COMMENTS_SHOWN) -> list[Survey]:
    """The agent's latest answered surveys, with their comments, in the programs they still serve."""
    query = select(Survey).where(Survey.agent_id == user.id, Survey.answered_at.is_not(None))
    programs = user.visible_program_ids()
    if programs is not None:
        query = query.where(Survey.program_id.in_(programs))
    return list(db.session.scalars(query.options(joinedload(Survey.case)).order_by(Survey.answered_at.desc())
                                   .limit(limit)))


def category_label(value: str) -> str:
    return str(label_for("category", value))
