"""Satisfaction figures for a program and period, as SQL aggregates over the daily totals.

A period is a range of program-local dates, inclusive; a survey counts on the day it was sent, its answer
with it wherever that arrived. Every figure is one GROUP BY over at most a year of :class:`SurveyDay` rows
per key; the lists of surveys (comments, CSV) are bounded or streamed.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.surveys.models import SATISFIED, SCORES, Survey, SurveyDay

COMMENTS_SHOWN = 20
SUMS = ("sent", "responses", "score_sum", *(f"score_{n}" for n in SCORES))


@dataclass
class Figures:
    sent: int = 0
    responses: int = 0
    score_sum: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))

    @classmethod
    def from_row(cls, row) -> "Figures":
        sent, responses, score_sum, *counts = (int(value or 0) for value in row)
        return cls(sent, responses, score_sum, dict(zip(SCORES, counts, strict=True)))

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.sent + other.sent, self.responses + other.responses, self.score_sum + other.score_sum,
                       {n: self.distribution[n] + other.distribution[n] for n in SCORES})

    @property
    def satisfied(self) -> int:
        return sum(count for score, count in self.distribution.items() if score >= SATISFIED)

    @property
    def response_rate(self) -> float | None:
        """Responses per survey sent, 0 to 1."""
        return self.responses / self.sent if self.sent else None

    @property
    def average(self) -> float | None:
        return self.score_sum / self.responses if self.responses else None

    @property
    def csat_percent(self) -> float | None:
        """The share of 4s and 5s among the responses, 0 to 100."""
        return 100 * self.satisfied / self.responses if self.responses else None


def _sums():
    return [func.sum(getattr(SurveyDay, name)) for name in SUMS]


def _days(program: Program, dimension: str, period: Period):
    return (SurveyDay.program_id == program.id, SurveyDay.dimension == dimension,
            SurveyDay.day >= period.start, SurveyDay.day <= period.end)


def summary(program: Program, period: Period) -> Figures:
    return Figures.from_row(db.session.execute(select(*_sums()).where(*_days(program, "all", period))).one())


def by_key(program: Program, dimension: str, period: Period) -> dict[str, Figures]:
    """Figures per agent id, category or script version ("" for none), most surveys first."""
    rows = db.session.execute(select(SurveyDay.key, *_sums()).where(*_days(program, dimension, period))
                              .group_by(SurveyDay.key).order_by(func.sum(SurveyDay.sent).desc()))
    return {key: Figures.from_row(sums) for key, *sums in rows}


def daily(program: Program, period: Period, dimension: str = "all") -> dict[tuple[date, str], Figures]:
    """Figures per (day, key): the rows weekly series are folded from."""
    rows = db.session.execute(select(SurveyDay.day, SurveyDay.key, *_sums()).where(*_days(program, dimension, period))
                              .group_by(SurveyDay.day, SurveyDay.key))
    return {(day, key): Figures.from_row(sums) for day, key, *sums in rows}


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weekly(program: Program, period: Period, days: dict | None = None) -> list[tuple[date, Figures]]:
    """Figures per week (by its Monday) across the period, empty weeks included, folded from ``days`` (default
    :func:`daily`)."""
    weeks: dict[date, Figures] = {}
    monday = week_of(period.start)
    while monday <= period.end:
        weeks[monday] = Figures()
        monday += timedelta(days=7)
    for (day, _), figures in (daily(program, period) if days is None else days).items():
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
        .options(joinedload(Survey.case)).order_by(Survey.score, Survey.comment_at.desc()).limit(limit)))


def agent_figures(user: User, period: Period) -> Figures:
    """An agent's own figures across the programs they serve."""
    query = select(*_sums()).where(SurveyDay.dimension == "agent", SurveyDay.key == str(user.id),
                                   SurveyDay.day >= period.start, SurveyDay.day <= period.end)
    programs = user.visible_program_ids()
    if programs is not None:
        query = query.where(SurveyDay.program_id.in_(programs))
    return Figures.from_row(db.session.execute(query).one())


def agent_answers(user: User, limit: int = COMMENTS_SHOWN) -> list[Survey]:
    """The agent's latest answered surveys, with their comments, in the programs they still serve."""
    query = select(Survey).where(Survey.agent_id == user.id, Survey.answered_at.is_not(None))
    programs = user.visible_program_ids()
    if programs is not None:
        query = query.where(Survey.program_id.in_(programs))
    return list(db.session.scalars(query.options(joinedload(Survey.case)).order_by(Survey.answered_at.desc())
                                   .limit(limit)))


def category_label(value: str) -> str:
    return value.replace("_", " ").capitalize()
