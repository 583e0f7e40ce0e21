"""``POST …:bulk``: up to 1,000 items, each checked and upserted or rejected alone; one result per item, in the
order sent. Shared by reward orders, participants and codes (each brings its check and its batch upsert)."""

import json
from collections.abc import Callable

from flask import request

from helpdesk.api.parsing import BadRequest, wrong_json_types
from helpdesk.database import unit_of_work
from helpdesk.errors import ValidationError
from helpdesk.upserts import Outcome, Result
from helpdesk.validation import FieldErrors

MAX_BULK = 1_000


def bulk_upsert(key: str, accepted: dict[str, type], check: Callable, apply: Callable) -> dict:
    """``check(item, index, errors)`` gives the cleaned item or None (reasons in ``errors``); ``apply(cleaned)``
    upserts the valid ones in one unit of work and gives their outcomes."""
    items = _json_array()
    results: list[dict] = [{}] * len(items)
    valid: list[tuple[int, object]] = []
    for index, item in enumerate(items):
        error, clean = _checked_item(item, index, accepted, check)
        if error is not None:
            given = item.get(key) if isinstance(item, dict) and isinstance(item.get(key), str) else None
            results[index] = {"index": index, key: given, "result": Result.REJECTED, "error": error}
        else:
            valid.append((index, clean))
    if valid:
        with unit_of_work():
            outcomes = apply([clean for _, clean in valid])
        for (index, _clean), outcome in zip(valid, outcomes, strict=True):
            given = items[index].get(key)
            results[index] = {"index": index, key: given.strip() if isinstance(given, str) else given,
                              "result": outcome.result,
                              **({"error": invalid(outcome.errors)} if outcome.errors else {})}
    summary = {result.value: sum(r["result"] == result for r in results) for result in Result}
    return {"summary": summary, "results": results}


def _json_array() -> list:
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError):
        raise BadRequest("malformed_json", "the request body is not valid JSON") from None
    if not isinstance(body, list):
        raise BadRequest("body_not_array", "the request body must be a JSON array")
    if len(body) > MAX_BULK:
        raise ValidationError("body", f"holds {len(body):,} items; send at most {MAX_BULK:,} per request")
    return body


def _checked_item(item, index: int, accepted: dict[str, type], check: Callable) -> tuple[dict | None, object]:
    """``(None, cleaned item)``, or ``(error, None)`` saying what is wrong with this item alone."""
    if not isinstance(item, dict):
        return {"code": "not_object", "message": "the item must be a JSON object"}, None
    wrong = wrong_json_types(item, accepted)
    if wrong:
        return {"code": "wrong_type", "message": "some fields have the wrong JSON type", "fields": wrong}, None
    errors = FieldErrors()
    for name in sorted(set(item) - set(accepted)):
        errors.add(name[:64], "is not a field of this request")
    clean = check(item, index, errors)
    return (invalid(errors.fields), None) if clean is None or errors.fields else (None, clean)


def invalid(fields: dict[str, str]) -> dict:
    return {"code": "invalid", "message": Outcome(Result.REJECTED, fields).reason, "fields": fields}
