"""Delivery cases per reward for the "this week" view, when the rewards feature (``helpdesk.rewards``) is
installed; without it the view simply has no reward series. This module is the one place that links them.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.cases.models import Case
from helpdesk.programs.models import Program
from helpdesk.reports.periods import Period
from helpdesk.reports.series import Series, counts_per_window, local_bounds

try:
    from helpdesk.rewards.models import DeliveryCase, RewardOrder, delivery_case_orders
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
    return [Series(_("Delivery cases for %(reward)s", reward=reward), "count", [(n, 1) for n in per_window],
                   worse_when_up=True)
            for reward, per_window in counts.items()]
