"""The weekly report a program's managers get by e-mail: only the key figures of one Monday-to-Sunday week
(program-local), each beside the week before: satisfaction against the target, response rate, cases opened and
SLA breaches, the three largest changes of "this week", the low scores still waiting for a call back, and the
reward and vendor with the most delivery problems."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from helpdesk.cases.models import Case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import Figures, summary, week_of
from helpdesk.reports.reward_link import worst_delivery
from helpdesk.reports.series import local_bounds
from helpdesk.reports.weekly import Change, ranked_changes
from helpdesk.surveys.models import FollowUp, Survey
from helpdesk.surveys.settings import target_for

CHANGES_SHOWN = 3
FOLLOW_UPS_SHOWN = 5
DELIVERY_WEEKS = 4  # the worst reward and vendor are judged on the orders of the last four weeks
DELIVERY_MIN_ORDERS = 5


@dataclass(frozen=True)
class WeeklyReport:
    program: Program
    week: Period
    satisfaction: Figures
    satisfaction_before: Figures
    target: float
    cases_opened: int
    cases_opened_before: int
    sla_breaches: int
    sla_breaches_before: int
    changes: list[Change]
    follow_ups_waiting: int
    oldest_follow_ups: list[Survey]
    worst_reward: object | None  # helpdesk.rewards.reports.ProblemRow, when the rewards feature is installed
    worst_vendor: object | None

    @property
    def below_target(self) -> bool:
        return self.satisfaction.average is not None and self.satisfaction.average < self.target


def last_full_week(today: date) -> date:
    """The Monday of the last Monday-to-Sunday week that has ended by ``today``."""
    return week_of(today) - timedelta(days=7)


def weekly_report(program: Program, monday: date, now: datetime | None = None) -> WeeklyReport:
    week = Period(monday, monday + timedelta(days=6))
    before = Period(monday - timedelta(days=7), monday - timedelta(days=1))
    opened, breaches = _case_counts(program, [before, week], now or utcnow())
    worst_reward, worst_vendor = worst_delivery(program, monday - timedelta(weeks=DELIVERY_WEEKS - 1), week.end,
                                                DELIVERY_MIN_ORDERS)
    waiting = select(Survey).where(Survey.follow_up == FollowUp.OPEN, Survey.program_id == program.id)
    return WeeklyReport(
        program=program, week=week, satisfaction=summary(program, week), satisfaction_before=summary(program, before),
        target=target_for(program), cases_opened=opened[1], cases_opened_before=opened[0], sla_breaches=breaches[1],
        sla_breaches_before=breaches[0], changes=ranked_changes(program, week.end, limit=CHANGES_SHOWN),
        follow_ups_waiting=db.session.scalar(select(func.count()).select_from(waiting.subquery())),
        oldest_follow_ups=list(db.session.scalars(waiting.options(joinedload(Survey.case)).order_by(Survey.id)
                                                  .limit(FOLLOW_UPS_SHOWN))),
        worst_reward=worst_reward, worst_vendor=worst_vendor)


def _case_counts(program: Program, windows: list[Period], now: datetime) -> tuple[list[int], list[int]]:
    """Per window: the cases opened, and how many of them missed a deadline (first response or resolution given
    late, or still missing after it) by ``now``."""
    late = or_(Case.first_response_at > Case.first_response_due_at,
               and_(Case.first_response_at.is_(None), Case.first_response_due_at < now),
               Case.resolved_at > Case.resolution_due_at,
               and_(Case.resolved_at.is_(None), Case.resolution_due_at < now))
    bounds = local_bounds(program, windows)
    sums = []
    for lo, hi in bounds:
        within = and_(Case.created_at >= lo, Case.created_at < hi)
        sums += [func.sum(case((within, 1), else_=0)), func.sum(case((and_(within, late), 1), else_=0))]
    row = db.session.execute(select(*sums).where(Case.program_id == program.id, Case.created_at >= bounds[0][0],
                                                 Case.created_at < bounds[-1][1])).one()
    counts = [int(n or 0) for n in row]
    return counts[0::2], counts[1::2]
