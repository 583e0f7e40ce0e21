"""API v1 reward orders: read one, upsert one by its reference (PUT), upsert a batch (POST ``:bulk``).

The loyalty platform sends the same fields as the CSV import; the upsert is the import's own
(:func:`helpdesk.rewards.orders.apply_orders`). In a batch each item succeeds or fails alone.
"""

import json

from flask import request

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.lookups import program_at
from helpdesk.api.parsing import BadRequest, json_body, wrong_json_types
from helpdesk.api.serializers import timestamp
from helpdesk.database import unit_of_work
from helpdesk.errors import NotFound, ValidationError
from helpdesk.rewards.models import RewardOrder
from helpdesk.rewards.orders import (
    FIELDS,
    BatchCheck,
    Outcome,
    Result,
    apply_orders,
    find_order,
    status_histories,
    upsert_order,
)
from helpdesk.validation import FieldErrors

bp = token_blueprint("api_reward_orders", __name__)

ORDER = {name: int if name == "points_spent" else str for name in FIELDS}
BULK_ITEM = {"order_ref": str, **ORDER}
MAX_BULK = 1_000
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


@bp.get("/programs/<code>/reward-orders/<order_ref>")
def reward_orders_show(code, order_ref):
    program = program_at(code, actor=current_actor())
    order = find_order(program, order_ref) if len(order_ref) <= MAX_REF and "\x00" not in order_ref else None
    if order is None:
        raise NotFound(f"no reward order {order_ref[:64]!r} in program {program.code}")
    return order_json(order)


@bp.put("/programs/<code>/reward-orders/<order_ref>")
def reward_orders_upsert(code, order_ref):
    program = program_at(code, actor=current_actor())
    body = json_body(ORDER)
    with unit_of_work():
        order, result = upsert_order(program, order_ref, body, actor=current_actor(), source="API")
        payload = order_json(order)
    return payload, 201 if result == Result.CREATED else 200


@bp.post("/programs/<code>/reward-orders:bulk")
def reward_orders_bulk(code):
    """Upsert up to 1,000 orders; answers 200 with one result per item, in the order sent."""
    program = program_at(code, actor=current_actor())
    items = _json_array()
    results: list[dict] = [{}] * len(items)
    valid: list[tuple[int, dict]] = []
    check = BatchCheck()
    for index, item in enumerate(items):
        clean = _checked_item(item, index, check)
        if "error" in clean:
            ref = item.get("order_ref") if isinstance(item, dict) and isinstance(item.get("order_ref"), str) else None
            results[index] = {"index": index, "order_ref": ref, "result": Result.REJECTED, "error": clean["error"]}
        else:
            valid.append((index, clean))
    if valid:
        with unit_of_work():
            outcomes = apply_orders(program, [clean for _, clean in valid], actor=current_actor(), source="API bulk")
        for (index, clean), outcome in zip(valid, outcomes, strict=True):
            results[index] = {"index": index, "order_ref": clean["order_ref"], "result": outcome.result,
                              **({"error": _invalid(outcome.errors)} if outcome.errors else {})}
    summary = {result.value: sum(r["result"] == result for r in results) for result in Result}
    return {"summary": summary, "results": results}


def _json_array() -> list:
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError):
        raise BadRequest("malformed_json", "the request body is not valid JSON") from None
    if not isinstance(body, list):
        raise BadRequest("body_not_array", "the request body must be a JSON array of orders")
    if len(body) > MAX_BULK:
        raise ValidationError("body", f"holds {len(body):,} orders; send at most {MAX_BULK:,} per request")
    return body


def _checked_item(item, index: int, check: BatchCheck) -> dict:
    """The cleaned order, or ``{"error": ...}`` saying what is wrong with this item alone."""
    if not isinstance(item, dict):
        return {"error": {"code": "not_object", "message": "the item must be a JSON object"}}
    wrong = wrong_json_types(item, BULK_ITEM)
    if wrong:
        return {"error": {"code": "wrong_type", "message": "some fields have the wrong JSON type", "fields": wrong}}
    errors = FieldErrors()
    for name in sorted(set(item) - set(BULK_ITEM)):
        errors.add(name[:64], "is not a field of this request")
    clean = check.check(item, f"item {index}", errors)
    return {"error": _invalid(errors.fields)} if clean is None else clean


def _invalid(fields: dict[str, str]) -> dict:
    return {"code": "invalid", "message": Outcome(Result.REJECTED, fields).reason, "fields": fields}
