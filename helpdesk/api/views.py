"""API v1 endpoints. Each one parses the request and loads what it names; a write then calls one service in a
unit of work and serialises the answer before its commit. Reads commit nothing. A request that fails is rolled
back, and answered by the error handlers (``helpdesk.web``).
"""

from flask import current_app

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.bulk import bulk_upsert
from helpdesk.api.lookups import (
    assignee_change,
    case_filters,
    participant_at,
    participant_field,
    program_at,
    program_field,
)
from helpdesk.api.parsing import fields_renamed, json_body, query_cursor, query_limit
from helpdesk.api.serializers import case_json, participant_json, program_json
from helpdesk.cases.models import Case
from helpdesk.cases.queues import SORTS, list_cases
from helpdesk.cases.services import get_case, open_case, update_case
from helpdesk.database import lock_row, unit_of_work
from helpdesk.errors import ValidationError
from helpdesk.participants.services import apply_participants, clean_participant_fields, upsert_participant
from helpdesk.programs.services import create_program, visible_programs
from helpdesk.validation import FieldErrors

bp = token_blueprint("api", __name__)

CASE_ORDER = "newest"  # newest first; ids order cases stably across pages

NEW_PROGRAM = {"code": str, "name": str, "hotline_number": str, "timezone": str, "locale": str}
PARTICIPANT = {"first_name": str, "last_name": str, "phone": str, "email": str, "locale": str, "points_balance": int}
NEW_CASE = {"program": str, "participant_external_id": str, "channel": str, "category": str, "subject": str,
            "description": str, "priority": str}
CASE_CHANGE = {"status": str, "priority": str, "assignee_email": str, "note": str, "note_public": bool}


@bp.get("/programs")
def programs_index():
    return {"items": [program_json(p) for p in visible_programs(current_actor())]}


@bp.post("/programs")
def programs_create():
    body = json_body(NEW_PROGRAM)
    with unit_of_work():
        program = create_program(**{name: body.get(name) for name in NEW_PROGRAM}, actor=current_actor())
        payload = program_json(program)
    return payload, 201


@bp.get("/programs/<code>")
def programs_show(code):
    return program_json(program_at(code, actor=current_actor()))


@bp.get("/programs/<code>/participants/<external_id>")
def participants_show(code, external_id):
    program = program_at(code, actor=current_actor())
    return participant_json(participant_at(program, external_id))


@bp.put("/programs/<code>/participants/<external_id>")
def participants_upsert(code, external_id):
    program = program_at(code, actor=current_actor())
    body = json_body(PARTICIPANT)
    with unit_of_work():
        participant, created = upsert_participant(program, external_id, body, actor=current_actor())
        payload = participant_json(participant)
    return payload, 201 if created else 200


@bp.post("/programs/<code>/participants:bulk")
def participants_bulk(code):
    """Upsert up to 1,000 participants by the rules of PUT; answers 200 with one result per item, in order."""
    program = program_at(code, actor=current_actor())
    first: dict[str, int] = {}

    def check(item: dict, index: int, errors: FieldErrors):
        external_id = errors.text("external_id", item.get("external_id"), max_length=64)
        if external_id in first:
            errors.add("external_id", f"duplicate of item {first[external_id]}")
        elif external_id:
            first[external_id] = index
        clean = clean_participant_fields(program, item, errors)  # every field, as PUT
        return None if errors.fields else (external_id, clean)

    return bulk_upsert("external_id", {"external_id": str, **PARTICIPANT}, check,
                       lambda items: apply_participants(program, items, actor=current_actor()))


@bp.get("/cases")
def cases_index():
    filters = case_filters(actor=current_actor())
    limit = query_limit(current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"])
    cursor = query_cursor(SORTS[CASE_ORDER][1])
    page = list_cases("all", filters, actor=current_actor(), sort=CASE_ORDER, cursor=cursor, limit=limit)
    return {"items": [case_json(c) for c in page.items], "next": page.next_cursor}


@bp.post("/cases")
def cases_create():
    body = json_body(NEW_CASE)
    program = program_field("program", body.get("program"), actor=current_actor())
    participant = participant_field("participant_external_id", program, body.get("participant_external_id"))
    with unit_of_work():
        case = open_case(program, participant=participant, channel=body.get("channel"),
                         category=body.get("category"), subject=body.get("subject"),
                         description=body.get("description"), priority=body.get("priority") or "normal",
                         actor=current_actor())
        payload = case_json(case)
    return payload, 201


@bp.get("/cases/<int:case_id>")
def cases_show(case_id):
    return case_json(get_case(case_id, actor=current_actor()))


@bp.patch("/cases/<int:case_id>")
def cases_update(case_id):
    get_case(case_id, actor=current_actor())
    body = json_body(CASE_CHANGE)
    assignee = assignee_change(body)
    if body.get("note_public"):
        raise ValidationError("note_public", "notes are internal: reply to the participant with "
                                             "POST /api/v1/cases/{id}/messages")
    with unit_of_work(), fields_renamed({"assignee": "assignee_email"}):
        case = update_case(lock_row(Case, Case.id == case_id), actor=current_actor(), status=body.get("status"),
                           priority=body.get("priority"), assignee=assignee, note=body.get("note"))
        payload = case_json(case)
    return payload
