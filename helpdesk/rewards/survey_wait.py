"""A reward-delivery case's satisfaction survey waits for the parcel: asked before it arrives, the participant
would rate the promise, not the help. It goes out once every physical order linked to the case is reported
delivered, or after the program's wait (14 days by default) whatever happened."""

from sqlalchemy import select

from helpdesk.cases.models import Case
from helpdesk.conversations.settings import rules_for
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.rewards.delivery import delivery_of
from helpdesk.rewards.models import OrderStatus, Resolution, RewardOrder, RewardType, delivery_case_orders
from helpdesk.surveys.scheduling import bring_forward


def _waiting(orders) -> bool:
    return any(order.reward_type == RewardType.PHYSICAL and order.status != OrderStatus.DELIVERED
               for order in orders)


NOTHING_TO_DELIVER = (Resolution.POINTS_REFUNDED, Resolution.VOUCHER_REISSUED)


def hold_survey(case: Case):
    """Answers ``survey_scheduling``: not before the delivery, at most the program's wait after resolution
    (no wait when the participant got points or a voucher instead of the parcel)."""
    delivery = delivery_of(case)
    if delivery is None or delivery.resolution in NOTHING_TO_DELIVER or not _waiting(delivery.orders):
        return None
    return (case.resolved_at or utcnow()) + rules_for(case.program).survey_wait


def release_surveys(program: Program, *, changes: list[tuple[int, str, str]]) -> None:
    """Answers ``order_status_changed``: the surveys of cases whose orders are all delivered now go out."""
    delivered = [order_id for order_id, _old, new in changes if new == OrderStatus.DELIVERED]
    if not delivered:
        return
    case_ids = set(db.session.scalars(select(delivery_case_orders.c.case_id)
                                      .where(delivery_case_orders.c.order_id.in_(delivered))))
    ready = [case_id for case_id in case_ids if not _waiting(db.session.scalars(
        select(RewardOrder).join(delivery_case_orders, delivery_case_orders.c.order_id == RewardOrder.id)
        .where(delivery_case_orders.c.case_id == case_id).execution_options(populate_existing=True)))]
    if ready:
        bring_forward(ready, utcnow())
