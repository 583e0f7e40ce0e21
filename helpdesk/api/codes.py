"""API v1 codes: read one, create or update one by its value (PUT, only the fields sent), upsert a batch.

A value is compared without white space and case ("ab12 cd" is AB12CD); one holding "/" is sent percent-encoded.
"""

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.bulk import bulk_upsert
from helpdesk.api.lookups import program_at
from helpdesk.api.parsing import json_body
from helpdesk.api.serializers import timestamp
from helpdesk.codes.models import Code
from helpdesk.codes.services import FIELDS, apply_codes, clean_code, clean_value, code_key, find_code, upsert_code
from helpdesk.database import unit_of_work
from helpdesk.errors import NotFound
from helpdesk.upserts import Result
from helpdesk.validation import FieldErrors

bp = token_blueprint("api_codes", __name__)

CODE = {name: int if name == "points" else str for name in FIELDS}
BULK_ITEM = {"value": str, **CODE}


def code_json(code: Code, program_code: str) -> dict:
    return {
        "program": program_code,
        "value": code.value,
        "status": code.status.value,
        "points": code.points,
        "participant_external_id": code.participant.external_id if code.participant else None,
        "used_at": timestamp(code.used_at),
        "expires_at": timestamp(code.expires_at),
        "created_at": timestamp(code.created_at),
        "updated_at": timestamp(code.updated_at),
    }


@bp.get("/programs/<code>/codes/<path:value>")
def codes_show(code, value):
    program = program_at(code, actor=current_actor())
    found = find_code(program, value) if len(value) <= 200 and "\x00" not in value else None
    if found is None:
        raise NotFound(f"no code {value[:64]!r} in program {program.code}")
    return code_json(found, program.code)


@bp.put("/programs/<code>/codes/<path:value>")
def codes_upsert(code, value):
    program = program_at(code, actor=current_actor())
    body = json_body(CODE)
    with unit_of_work():
        found, result = upsert_code(program, value, body, actor=current_actor())
        payload = code_json(found, program.code)
    return payload, 201 if result == Result.CREATED else 200


@bp.post("/programs/<code>/codes:bulk")
def codes_bulk(code):
    """Upsert up to 1,000 codes; answers 200 with one result per item, in the order sent."""
    program = program_at(code, actor=current_actor())
    first: dict[str, int] = {}

    def check(item: dict, index: int, errors: FieldErrors):
        value = clean_value(item.get("value"), errors)
        clean = clean_code(item, errors)
        if value and code_key(value) in first:
            errors.add("value", f"duplicate of item {first[code_key(value)]}")
        elif value:
            first[code_key(value)] = index
        return None if errors.fields else {**clean, "value": value}

    return bulk_upsert("value", BULK_ITEM, check, lambda items: apply_codes(program, items, actor=current_actor()))
