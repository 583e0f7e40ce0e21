"""API v1 reward orders: read one, upsert one by its reference (PUT), change some of its fields (PATCH), upsert
a batch (POST ``:bulk``).

The loyalty platform sends the same fields as the CSV import; the upsert is the import's own
(:func:`helpdesk.rewards.orders.apply_orders`). In a batch each item succeeds or fails alone.
"""

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.bulk import bulk_upsert
from helpdesk.api.lookups import program_at
from helpdesk.api.parsing import json_body
from helpdesk.api.serializers import timestamp
from helpdesk.database import unit_of_work
from helpdesk.errors import NotFound
from helpdesk.rewards.models import RewardOrder
from helpdesk.rewards.orders import (
    FIELDS,
    BatchCheck,
    Result,
    apply_orders,
    change_order,
    find_order,
    status_histories,
    upsert_order,
)

bp = token_blueprint("api_reward_orders", __name__)

ORDER = {name: int if name == "points_spent" else str for name in FIELDS}
BULK_ITEM = {"order_ref": str, **ORDER}
MAX_REF = 64


def order_json(order: RewardOrder, history: list | None = None) -> dict:
    history = status_histories([order])[order.id] if history is None else history
    return {
        "program": order.participant.program.code,
        "order_ref": order.order_ref,
        "participant_external_id": order.participant.external_id,
        "reward_sku": order.reward_sku,
        "reward_name": order.reward_name,
        "reward_type": order.reward_type.value,
        "points_spent": order.points_spent,
        "ordered_at": timestamp(order.ordered_at),
        "status": order.status.value,
        "status_changed_at": timestamp(order.status_changed_at),
        "vendor": order.vendor,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "expected_delivery": order.expected_delivery.isoformat() if order.expected_delivery else None,
        "shipping_address": order.shipping_address,
        "created_at": timestamp(order.created_at),
        "updated_at": timestamp(order.updated_at),
        "status_history": [{"old_status": c.old_status.value if c.old_status else None, "status": c.status.value,
                            "changed_at": timestamp(c.changed_at), "changed_by": c.changed_by, "source": c.source}
                           for c in history],
    }


def _existing(program, order_ref: str) -> RewardOrder:
    order = find_order(program, order_ref) if len(order_ref) <= MAX_REF and "\x00" not in order_ref else None
    if order is None:
        raise NotFound(f"no reward order {order_ref[:64]!r} in program {program.code}")
    return order


# <path:…>: a reference holding "/" (ZAM/2026/00133) arrives percent-encoded (ZAM%2F2026%2F00133) and decoded.
@bp.get("/programs/<code>/reward-orders/<path:order_ref>")
def reward_orders_show(code, order_ref):
    program = program_at(code, actor=current_actor())
    return order_json(_existing(program, order_ref))


@bp.put("/programs/<code>/reward-orders/<path:order_ref>")
def reward_orders_upsert(code, order_ref):
    program = program_at(code, actor=current_actor())
    body = json_body(ORDER)
    with unit_of_work():
        order, result = upsert_order(program, order_ref, body, actor=current_actor(), source="API")
        payload = order_json(order)
    return payload, 201 if result == Result.CREATED else 200


@bp.patch("/programs/<code>/reward-orders/<path:order_ref>")
def reward_orders_change(code, order_ref):
    """Change only the fields sent (``{"status": "delivered"}``); the order must exist."""
    program = program_at(code, actor=current_actor())
    body = json_body(ORDER)
    order = _existing(program, order_ref)
    with unit_of_work():
        order, _ = change_order(program, order.order_ref, body, actor=current_actor(), source="API")
        payload = order_json(order)
    return payload


@bp.post("/programs/<code>/reward-orders:bulk")
def reward_orders_bulk(code):
    """Upsert up to 1,000 orders; answers 200 with one result per item, in the order sent."""
    program = program_at(code, actor=current_actor())
    check = BatchCheck()
    return bulk_upsert("order_ref", BULK_ITEM, lambda item, index, errors: check.check(item, f"item {index}", errors),
                       lambda items: apply_orders(program, items, actor=current_actor(), source="API bulk"))
