"""The reward names and vendors a survey is counted under on the satisfaction dashboard: those of the orders
linked to its case when it is sent (a case about two rewards counts for each)."""

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.rewards.models import RewardOrder, delivery_case_orders
from helpdesk.surveys.models import Survey


def survey_order_keys(survey: Survey) -> dict[str, list[str]] | None:
    """Answers ``survey_sending``: the distinct reward names and vendors ("" for none) of the case's orders,
    sorted; None when no order is linked to it."""
    rows = db.session.execute(
        select(RewardOrder.reward_name, func.coalesce(RewardOrder.vendor, ""))
        .join(delivery_case_orders, delivery_case_orders.c.order_id == RewardOrder.id)
        .where(delivery_case_orders.c.case_id == survey.case_id, RewardOrder.program_id == survey.program_id)
    ).all()
    if not rows:
        return None
    rewards, vendors = zip(*rows, strict=True)
    return {"reward": sorted(set(rewards)), "vendor": sorted(set(vendors))}
