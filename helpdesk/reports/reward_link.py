"""Delivery cases per reward for the "this week" view, when the rewards feature (``helpdesk.rewards``) is
installed; without it the view simply has no reward series. This module is the one place that links them.
"""

from datetime import date

from sqlalchemy import null, select

from helpdesk.cases.models import Case
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.reports.series import Series, counts_per_window, local_bounds
from helpdesk.reports.series import lazy_label as _l

try:
    from helpdesk.rewards.models import DeliveryCase, RewardOrder, delivery_case_orders
    from helpdesk.rewards.reports import problem_rewards
except ImportError:  # the rewards feature is not part of this installation
    DeliveryCase = None


def delivery_series(program: Program, windows: list[Period]) -> list[Series]:
    """Delivery cases opened per reward (a case about two rewards counts for each)."""
    if DeliveryCase is None:
        return []
    orders = (select(delivery_case_orders.c.case_id, RewardOrder.reward_name)
              .join(RewardOrder, RewardOrder.id == delivery_case_orders.c.order_id).subquery())
    counts = counts_per_window(
        Case.created_at, orders.c.reward_name,
        [DeliveryCase.program_id == program.id, DeliveryCase.case_id == Case.id, orders.c.case_id == Case.id],
        local_bounds(program, windows))
    return [Series(_l("Delivery cases for %(reward)s", reward=reward), "count", [(n, 1) for n in per_window],
                   worse_when_up=True)
            for reward, per_window in counts.items()]


def worst_delivery(program: Program, first: date, last: date, min_orders: int) -> tuple:
    """The reward and the vendor with the most delivery cases per order placed from ``first`` to ``last`` (of
    those with ``min_orders`` orders or more and at least one case): two ProblemRows or Nones."""
    if DeliveryCase is None:
        return None, None
    return tuple(next((row for row in problem_rewards(program, first, last, by=by, min_orders=min_orders, limit=1)
                       if row.cases), None) for by in ("reward", "vendor"))


def first_order_field(field: str, case_id_column):
    """The reward name or vendor of the first order linked to the case of ``case_id_column`` (a correlated
    scalar subquery); NULL without the rewards feature."""
    if DeliveryCase is None:
        return null()
    column = RewardOrder.reward_name if field == "reward" else RewardOrder.vendor
    return (select(column).join(delivery_case_orders, delivery_case_orders.c.order_id == RewardOrder.id)
            .where(delivery_case_orders.c.case_id == case_id_column)
            .order_by(delivery_case_orders.c.linked_at, RewardOrder.id).limit(1).scalar_subquery())
