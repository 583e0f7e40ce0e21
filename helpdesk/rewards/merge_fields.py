"""The ``order`` merge fields of call scripts: the case's most recently linked order, else the participant's latest.

    {{ order.reward_name }} ordered on {{ order.order_date }} ships with {{ order.carrier }}
"""

from zoneinfo import ZoneInfo

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.rewards.models import RewardOrder, delivery_case_orders
from helpdesk.rewards.orders import recent_orders

ORDER_FIELDS = ("reference", "reward_name", "order_date", "vendor", "carrier", "tracking_number",
                "expected_delivery")


def order_for_case(case) -> RewardOrder | None:
    if case is None:
        return None
    linked = db.session.scalar(
        select(RewardOrder).join(delivery_case_orders, delivery_case_orders.c.order_id == RewardOrder.id)
        .where(delivery_case_orders.c.case_id == case.id)
        .order_by(delivery_case_orders.c.linked_at.desc(), RewardOrder.id.desc()).limit(1)
    )
    if linked is None and case.participant is not None:
        linked = next(iter(recent_orders(case.participant, 1)), None)
    return linked


def order_merge_values(case, agent=None) -> dict:
    """``{field: value}`` for the script's ``order`` namespace; empty when the case has no order to speak of."""
    order = order_for_case(case)
    if order is None:
        return {}
    tz = ZoneInfo(case.program.timezone)
    return {"reference": order.order_ref, "reward_name": order.reward_name,
            "order_date": order.ordered_at.astimezone(tz).date().isoformat(), "vendor": order.vendor,
            "carrier": order.carrier, "tracking_number": order.tracking_number,
            "expected_delivery": order.expected_delivery.isoformat() if order.expected_delivery else None}
