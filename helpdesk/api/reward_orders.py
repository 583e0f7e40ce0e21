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
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.rewards.models import RewardOrder
from helpdesk.rewards.orders import (
    CREATED,
    FIELDS,
    UNCHANGED,
    UPDATED,
    apply_orders,
    clean_order,
    clean_order_ref,
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
    payload = order_json(order)
    db.session.commit()
    return payload


@bp.put("/programs/<code>/reward-orders/<order_ref>")
def reward_orders_upsert(code, order_ref):
    program = program_at(code, actor=current_actor())
    body = json_body(ORDER)
    order, outcome = upsert_order(program, order_ref, body, actor=current_actor(), source="API")
    payload = order_json(order)
    db.session.commit()
    return payload, 201 if outcome == CREATED else 200


@bp.post("/programs/<code>/reward-orders:bulk")
def reward_orders_bulk(code):
    """Upsert up to 1,000 orders; answers 200 with one result per item, in the order sent."""
    program = program_at(code, actor=current_actor())
    items = _json_array()
    results: list[dict] = [{}] * len(items)
    valid: list[tuple[int, dict]] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        clean = _checked_item(item)
        if "error" not in clean and clean["order_ref"] in first_index:
            clean = {"error": _invalid({"order_ref": f"duplicate of item {first_index[clean['order_ref']]}"})}
        if "error" in clean:
            ref = item.get("order_ref") if isinstance(item, dict) and isinstance(item.get("order_ref"), str) else None
            results[index] = {"index": index, "order_ref": ref, "result": "rejected", "error": clean["error"]}
        else:
            first_index[clean["order_ref"]] = index
            valid.append((index, clean))
    outcomes = apply_orders(program, [clean for _, clean in valid], actor=current_actor(),
                            source="API bulk") if valid else []
    for (index, clean), outcome in zip(valid, outcomes, strict=True):
        result = {"index": index, "order_ref": clean["order_ref"], "result": outcome}
        if outcome not in (CREATED, UPDATED, UNCHANGED):
            field, _, message = outcome.partition(": ")
            result = {**result, "result": "rejected", "error": _invalid({field: message})}
        results[index] = result
    summary = {name: sum(r["result"] == name for r in results) for name in (CREATED, UPDATED, UNCHANGED, "rejected")}
    db.session.commit()
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


def _checked_item(item) -> dict:
    """The cleaned order, or ``{"error": ...}`` saying what is wrong with this item alone."""
    if not isinstance(item, dict):
        return {"error": {"code": "not_object", "message": "the item must be a JSON object"}}
    wrong = wrong_json_types(item, BULK_ITEM)
    if wrong:
        return {"error": {"code": "wrong_type", "message": "some fields have the wrong JSON type", "fields": wrong}}
    errors = FieldErrors()
    for name in sorted(set(item) - set(BULK_ITEM)):
        errors.add(name[:64], "is not a field of this request")
    order_ref = clean_order_ref(item.get("order_ref"), errors)
    clean = clean_order(item, errors)
    if errors.fields:
        return {"error": _invalid(errors.fields)}
    return {**clean, "order_ref": order_ref}


def _invalid(fields: dict[str, str]) -> dict:
    return {"code": "invalid", "message": "; ".join(f"{k}: {v}" for k, v in fields.items()), "fields": fields}
