"""Script effectiveness per version: runs, completion, where abandoned runs stop, resolution time, satisfaction.

Everything is aggregated in SQL over the runs started in a window, for the cases the manager may see. A run
still in progress counts as abandoned once its case is resolved or closed, or after ``STALE_AFTER`` without
a step. ``version_cases`` (each version with the cases it ran on) is the base for case-level figures: the
resolution time and the average satisfaction score of the surveys answered about those cases.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Float, and_, case, cast, extract, func, literal, select

from helpdesk.actors import Actor
from helpdesk.cases.models import Case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.scripts.models import RunStatus, Script, ScriptRun, ScriptVersion
from helpdesk.scripts.services.runs import STALE_AFTER
from helpdesk.surveys.models import Survey

MAX_ROWS = 200
TOP_STOPS = 3


@dataclass
class VersionFigures:
    script_id: int
    key: str
    locale: str
    title: str
    version: int
    version_id: int
    runs: int = 0
    completed: int = 0
    abandoned: int = 0
    in_progress: int = 0
    avg_run_seconds: float | None = None
    resolved_cases: int = 0
    avg_resolution_hours: float | None = None
    answered_surveys: int = 0
    avg_satisfaction: float | None = None
    stops: list[tuple[str, int]] = field(default_factory=list)  # (step, abandoned runs that stopped there)

    @property
    def completion_rate(self) -> float | None:
        ended = self.completed + self.abandoned
        return self.completed / ended if ended else None


def seconds_between(start, end):
    """``end - start`` in seconds, in the dialect's own terms (SQLite stores UTC text, PostgreSQL intervals)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return extract("epoch", end - start)


def _runs(actor: Actor, since: datetime, script_id: int | None, now: datetime):
    """One row per run in the window: its version, case, effective status and the step it is at."""
    stale = and_(ScriptRun.status == RunStatus.IN_PROGRESS.value,
                 (Case.is_open.is_(False)) | (ScriptRun.updated_at < now - STALE_AFTER))
    status = case((stale, literal(RunStatus.ABANDONED.value)), else_=ScriptRun.status)
    query = (select(ScriptRun.version_id, ScriptRun.case_id, ScriptRun.current_step, status.label("status"),
                    seconds_between(ScriptRun.started_at, ScriptRun.finished_at).label("seconds"))
             .join(Case, Case.id == ScriptRun.case_id)
             .where(ScriptRun.started_at >= since))
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(Case.program_id.in_(visible))
    if script_id is not None:
        query = query.where(ScriptRun.version_id.in_(select(ScriptVersion.id)
                                                     .where(ScriptVersion.script_id == script_id)))
    return query.subquery("runs")


def script_effectiveness(*, actor: Actor, since: datetime, script_id: int | None = None,
                         now: datetime | None = None) -> list[VersionFigures]:
    """Figures per script version with runs since ``since``: newest version first within each script."""
    runs = _runs(actor, since, script_id, now or utcnow())

    def count_of(status: RunStatus):
        return func.sum(case((runs.c.status == status.value, 1), else_=0))

    per_version = db.session.execute(
        select(runs.c.version_id, Script.id, Script.key, Script.locale, Script.title, ScriptVersion.number,
               func.count(), count_of(RunStatus.COMPLETED), count_of(RunStatus.ABANDONED),
               count_of(RunStatus.IN_PROGRESS),
               func.avg(case((runs.c.status == RunStatus.COMPLETED.value, cast(runs.c.seconds, Float)))))
        .join(ScriptVersion, ScriptVersion.id == runs.c.version_id)
        .join(Script, Script.id == ScriptVersion.script_id)
        .group_by(runs.c.version_id, Script.id, Script.key, Script.locale, Script.title, ScriptVersion.number)
        .order_by(Script.key, Script.locale, ScriptVersion.number.desc())
        .limit(MAX_ROWS)
    ).all()
    figures = {row[0]: VersionFigures(row[1], row[2], row[3], row[4], row[5], row[0], runs=row[6],
                                      completed=row[7], abandoned=row[8], in_progress=row[9],
                                      avg_run_seconds=row[10]) for row in per_version}
    if not figures:
        return []
    _add_resolution(figures, runs)
    _add_satisfaction(figures, runs)
    _add_stops(figures, runs)
    return list(figures.values())


def version_cases(runs):
    """Each version with the distinct cases it ran on: the join point for case-level figures."""
    return select(runs.c.version_id, runs.c.case_id).distinct().subquery("version_cases")


def _add_resolution(figures: dict, runs) -> None:
    cases = version_cases(runs)
    rows = db.session.execute(
        select(cases.c.version_id, func.count(), func.avg(cast(seconds_between(Case.created_at, Case.resolved_at),
                                                              Float)))
        .join(Case, Case.id == cases.c.case_id)
        .where(Case.resolved_at.is_not(None), cases.c.version_id.in_(list(figures)))
        .group_by(cases.c.version_id))
    for version_id, resolved, seconds in rows:
        figures[version_id].resolved_cases = resolved
        figures[version_id].avg_resolution_hours = seconds / 3600 if seconds is not None else None


def _add_satisfaction(figures: dict, runs) -> None:
    cases = version_cases(runs)
    rows = db.session.execute(
        select(cases.c.version_id, func.count(), func.avg(cast(Survey.score, Float)))
        .join(Survey, Survey.case_id == cases.c.case_id)
        .where(Survey.score.is_not(None), cases.c.version_id.in_(list(figures)))
        .group_by(cases.c.version_id))
    for version_id, answered, average in rows:
        figures[version_id].answered_surveys, figures[version_id].avg_satisfaction = answered, average


def _add_stops(figures: dict, runs) -> None:
    rows = db.session.execute(
        select(runs.c.version_id, runs.c.current_step, func.count())
        .where(runs.c.status == RunStatus.ABANDONED.value, runs.c.version_id.in_(list(figures)))
        .group_by(runs.c.version_id, runs.c.current_step))
    stops = defaultdict(list)
    for version_id, step, count in rows:
        stops[version_id].append((step, count))
    for version_id, found in stops.items():
        figures[version_id].stops = sorted(found, key=lambda s: (-s[1], s[0]))[:TOP_STOPS]
