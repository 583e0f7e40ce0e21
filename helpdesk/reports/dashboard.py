"""Everything the manager's satisfaction dashboard shows, for one program, period and slice (:mod:`.slices`),
and the roll-up of all of a manager's programs."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from helpdesk.programs.models import Program
from helpdesk.reports import queries, slices
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import Figures, agent_names, category_label, latest_comments, previous_period, weekly
from helpdesk.reports.slices import Filters
from helpdesk.surveys.models import Survey
from helpdesk.surveys.settings import scale_of, target_for


@dataclass
class Dashboard:
    program: Program
    period: Period
    filters: Filters
    totals: Figures
    previous: Figures  # the period of equal length before
    target: float
    weeks: list[tuple[date, Figures]]
    agents: list[tuple[str, Figures]]
    categories: list[tuple[str, Figures]]
    scripts: list[tuple[str, Figures]]
    rewards: list[tuple[str, Figures]]
    vendors: list[tuple[str, Figures]]
    comments: list[Survey]
    agent_choices: dict[str, str]  # user id -> name, of the agents with surveys in the period


def _source(program: Program, filters: Filters):
    """(daily, by_keys) of the running totals, or over the surveys for a slice."""
    if filters:
        return (lambda period: slices.daily(program, period, filters),
                lambda period: slices.by_keys(program, period, filters))
    return (lambda period: queries.daily(program, period),
            lambda period: {dimension: queries.by_key(program, dimension, period) for dimension in slices.KEYED})


def dashboard(program: Program, period: Period, filters: Filters | None = None) -> Dashboard:
    filters = filters or Filters()
    daily, by_keys = _source(program, filters)
    days, keyed = daily(period), by_keys(period)
    names = agent_names(keyed["agent"])
    everyone = keyed["agent"] if not filters.agent else queries.by_key(program, "agent", period)
    scale = scale_of(program)
    return Dashboard(
        program=program, period=period, filters=filters, totals=sum(days.values(), Figures(scale)),
        previous=sum(daily(previous_period(period)).values(), Figures(scale)), target=target_for(program),
        weeks=weekly(program, period, days),
        agents=[(names.get(key) or _("Unassigned"), figures) for key, figures in keyed["agent"].items()],
        categories=[(category_label(key), figures) for key, figures in keyed["category"].items()],
        scripts=[(key or _("No script"), figures) for key, figures in keyed["script"].items()],
        rewards=slices.by_order(program, period, filters, "reward"),
        vendors=[(key or _("No vendor"), f) for key, f in slices.by_order(program, period, filters, "vendor")],
        comments=latest_comments(program, period, where=slices.filter_conditions(filters)),
        agent_choices=agent_names(everyone),
    )


@dataclass(frozen=True)
class ProgramLine:
    program: Program
    totals: Figures
    previous: Figures
    target: float


@dataclass(frozen=True)
class ScaleTotal:
    """The totals of the programs on one scale (figures on different scales do not add up)."""
    totals: Figures
    previous: Figures


def all_programs(programs: list[Program], period: Period) -> tuple[list[ProgramLine], list[ScaleTotal]]:
    """Each program's headline figures (on its current scale) and those of the previous period; and the totals
    across the programs of each scale, 1-5 first."""
    before = previous_period(period)
    lines = [ProgramLine(p, queries.summary(p, period), queries.summary(p, before), target_for(p)) for p in programs]
    totals = []
    for top in sorted({line.totals.scale.top for line in lines}):
        same = [line for line in lines if line.totals.scale.top == top]
        scale = same[0].totals.scale
        totals.append(ScaleTotal(sum((line.totals for line in same), Figures(scale)),
                                 sum((line.previous for line in same), Figures(scale))))
    return lines, totals
