"""API v1 endpoints. Each one parses the request, calls one service, serialises, and commits once.

Nothing is committed when a request fails: the session is discarded at the end of the request.
"""

from flask import current_app

from helpdesk.api import bp
from helpdesk.api.auth import current_actor, require_token
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
from helpdesk.cases.queues import SORTS, list_cases
from helpdesk.cases.services import get_case, open_case, update_case
from helpdesk.extensions import db
from helpdesk.participants.services import upsert_participant
from helpdesk.programs.services import create_program, visible_programs

CASE_ORDER = "newest"  # newest first; ids order cases stably across pages

NEW_PROGRAM = {"code": str, "name": str, "hotline_number": str, "timezone": str, "locale": str}
PARTICIPANT = {"first_name": str, "last_name": str, "phone": str, "email": str, "locale": str, "points_balance": int}
NEW_CASE = {"program": str, "participant_external_id": str, "channel": str, "category": str, "subject": str,
            "description": str, "priority": str}
CASE_CHANGE = {"status": str, "priority": str, "assignee_email": str, "note": str, "note_public": bool}

bp.before_request(require_token)


def _committed(payload: dict, status: int = 200):
    """Commit the request's one transaction and answer with ``payload`` (serialised before the commit)."""
    db.session.commit()
    return payload, status


@bp.get("/programs")
def programs_index():
    return _committed({"items": [program_json(p) for p in visible_programs(current_actor())]})


@bp.post("/programs")
def programs_create():
    body = json_body(NEW_PROGRAM)
    program = create_program(**{name: body.get(name) for name in NEW_PROGRAM}, actor=current_actor())
    return _committed(program_json(program), 201)


@bp.get("/programs/<code>")
def programs_show(code):
    return _committed(program_json(program_at(code, actor=current_actor())))


@bp.get("/programs/<code>/participants/<external_id>")
def participants_show(code, external_id):
    program = program_at(code, actor=current_actor())
    return _committed(participant_json(participant_at(program, external_id)))


@bp.put("/programs/<code>/participants/<external_id>")
def participants_upsert(code, external_id):
    program = program_at(code, actor=current_actor())
    body = json_body(PARTICIPANT)
    participant, created = upsert_participant(program, external_id, body, actor=current_actor())
    return _committed(participant_json(participant), 201 if created else 200)


@bp.get("/cases")
def cases_index():
    filters = case_filters(actor=current_actor())
    limit = query_limit(current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"])
    cursor = query_cursor(SORTS[CASE_ORDER][1])
    page = list_cases("all", filters, actor=current_actor(), sort=CASE_ORDER, cursor=cursor, limit=limit)
    return _committed({"items": [case_json(c) for c in page.items], "next": page.next_cursor})


@bp.post("/cases")
def cases_create():
    body = json_body(NEW_CASE)
    program = program_field("program", body.get("program"), actor=current_actor())
    participant = participant_field("participant_external_id", program, body.get("participant_external_id"))
    case = open_case(program, participant=participant, channel=body.get("channel"), category=body.get("category"),
                     subject=body.get("subject"), description=body.get("description"),
                     priority=body.get("priority") or "normal", actor=current_actor())
    return _committed(case_json(case), 201)


@bp.get("/cases/<int:case_id>")
def cases_show(case_id):
    return _committed(case_json(get_case(case_id, actor=current_actor())))


@bp.patch("/cases/<int:case_id>")
def cases_update(case_id):
    case = get_case(case_id, actor=current_actor())
    body = json_body(CASE_CHANGE)
    with fields_renamed({"assignee": "assignee_email"}):
        case = update_case(case, actor=current_actor(), status=body.get("status"), priority=body.get("priority"),
                           assignee=assignee_change(body), note=body.get("note"),
                           note_public=bool(body.get("note_public")))
    return _committed(case_json(case))
