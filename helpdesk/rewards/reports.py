"""Reports on reward delivery, aggregated in SQL: open delivery cases by vendor and issue with their age, and
the rewards and vendors that cause the most delivery cases per 1,000 orders."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Float, and_, case, cast, func, null, select
from sqlalchemy.orm import joinedload

from helpdesk.actors import Actor
from helpdesk.cases.models import Case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.rewards.models import DeliveryCase, IssueType, RewardOrder, delivery_case_orders

AGE_BUCKETS = ((0, 2), (3, 7), (8, 14), (15, None))  # days open, inclusive; None: and more
CASE_LIST_LIMIT = 200
GROUPINGS = ("reward", "vendor")


@dataclass(frozen=True)
class AgingRow:
    vendor: str | None
    issue_type: IssueType
    open_cases: int
    by_age: tuple[int, ...]  # one count per AGE_BUCKETS entry
    oldest_opened_at: datetime
    awaiting_vendor: int
    answers_overdue: int


def _program_filter(query, column, actor: Actor, program: Program | None):
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(column.in_(visible))
    return query.where(column == program.id) if program is not None else query


def delivery_aging(*, actor: Actor, program: Program | None = None, now: datetime | None = None) -> list[AgingRow]:
    """Open delivery cases per vendor and issue type: how many, how old, how many wait past the answer date."""
    now = now or utcnow()
    awaiting = and_(DeliveryCase.escalated_at.is_not(None), DeliveryCase.answered_at.is_(None))
    buckets = []
    for low, high in AGE_BUCKETS:
        older = Case.created_at <= now - timedelta(days=low)
        newer = Case.created_at > now - timedelta(days=high + 1) if high is not None else True
        buckets.append(func.sum(case((and_(older, newer), 1), else_=0)))
    query = (
        select(DeliveryCase.vendor, DeliveryCase.issue_type, func.count(), func.min(Case.created_at),
               func.sum(case((awaiting, 1), else_=0)),
               func.sum(case((and_(awaiting, DeliveryCase.answer_due_at < now), 1), else_=0)), *buckets)
        .join(Case, Case.id == DeliveryCase.case_id)
        .where(Case.is_open)
        .group_by(DeliveryCase.vendor, DeliveryCase.issue_type)
        .order_by(func.count().desc(), DeliveryCase.vendor, DeliveryCase.issue_type)
    )
    rows = db.session.execute(_program_filter(query, DeliveryCase.program_id, actor, program))
    return [AgingRow(vendor, issue, count, tuple(int(n) for n in by_age), oldest, int(waiting), int(overdue))
            for vendor, issue, count, oldest, waiting, overdue, *by_age in rows]


def open_delivery_case_list(*, actor: Actor, program: Program | None = None, vendor: str | None = None,
                            issue_type: IssueType | None = None, any_vendor: bool = True,
                            limit: int = CASE_LIST_LIMIT) -> list[DeliveryCase]:
    """Open delivery cases, oldest first; ``vendor`` None with ``any_vendor`` False means those without one."""
    query = select(DeliveryCase).join(Case, Case.id == DeliveryCase.case_id).where(Case.is_open)
    if not any_vendor:
        query = query.where(DeliveryCase.vendor == vendor if vendor else DeliveryCase.vendor.is_(None))
    if issue_type is not None:
        query = query.where(DeliveryCase.issue_type == issue_type)
    query = _program_filter(query, DeliveryCase.program_id, actor, program)
    query = query.options(joinedload(DeliveryCase.case).joinedload(Case.assignee))
    return list(db.session.scalars(query.order_by(Case.created_at, Case.id).limit(limit)))


@dataclass(frozen=True)
class ProblemRow:
    key: str  # the reward SKU or the vendor ("" for orders without one)
    reward_name: str | None
    orders: int
    cases: int

    @property
    def per_thousand(self) -> float:
        return round(self.cases * 1000 / self.orders, 1) if self.orders else 0.0


def period_bounds(program: Program, first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last``, days in the program's timezone."""
    tz = ZoneInfo(program.timezone)
    return datetime.combine(first, time(0), tz), datetime.combine(last + timedelta(days=1), time(0), tz)


def problem_rewards(program: Program, first: date, last: date, *, by: str = "reward", min_orders: int = 1,
                    limit: int | None = 100) -> list[ProblemRow]:
    """Of the orders placed from ``first`` to ``last``, how many led to a delivery case, per reward or vendor.

    A case about several orders counts once per reward (or vendor) it concerns. Highest rate first.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    start, end = period_bounds(program, first, last)
    key = RewardOrder.reward_sku if by == "reward" else func.coalesce(RewardOrder.vendor, "")
    orders = func.count(func.distinct(RewardOrder.id))
    cases = func.count(func.distinct(delivery_case_orders.c.case_id))
    rate = cast(cases, Float) * 1000 / orders
    name = func.max(RewardOrder.reward_name) if by == "reward" else null()
    query = (
        select(key, name, orders, cases)
        .select_from(RewardOrder)
        .outerjoin(delivery_case_orders, delivery_case_orders.c.order_id == RewardOrder.id)
        .where(RewardOrder.program_id == program.id, RewardOrder.ordered_at >= start, RewardOrder.ordered_at < end)
        .group_by(key)
        .having(orders >= min_orders)
        .order_by(rate.desc(), cases.desc(), key)
        .limit(limit)
    )
    return [ProblemRow(k, n, o, c) for k, n, o, c in db.session.execute(query)]


def problem_rewards_csv(rows: list[ProblemRow], by: str) -> Iterator[str]:
    """The report as CSV text, line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["reward_sku", "reward_name"] if by == "reward" else ["vendor"]
    writer.writerow([*header, "orders", "delivery_cases", "cases_per_1000_orders"])
    for row in rows:
        lead = [row.key, row.reward_name] if by == "reward" else [row.key]
        writer.writerow([*map(_cell, lead), row.orders, row.cases, f"{row.per_thousand:.1f}"])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(text: str | None) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = text or ""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
