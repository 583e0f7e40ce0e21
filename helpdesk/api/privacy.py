"""API v1 for privacy and accountability: a participant's data export and erasure, and the audit log (for
tokens that see every program)."""

from flask import Response, current_app, request, stream_with_context
from flask_babel import gettext as _

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.lookups import participant_at, program_at
from helpdesk.api.parsing import query_cursor, query_limit
from helpdesk.api.serializers import timestamp
from helpdesk.audit.filters import parse_audit_filters
from helpdesk.audit.models import AuditEvent
from helpdesk.audit.queries import CURSOR_TYPES, list_audit_events
from helpdesk.errors import Forbidden
from helpdesk.privacy.services import erase_and_delete_recordings, export_response_parts
from helpdesk.programs.services import visible_programs

bp = token_blueprint("api_privacy", __name__)


@bp.get("/programs/<code>/participants/<external_id>/export")
def participant_export(code, external_id):
    participant = participant_at(program_at(code, actor=current_actor()), external_id)
    body, filename = export_response_parts(participant, actor=current_actor())
    return Response(stream_with_context(body), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.delete("/programs/<code>/participants/<external_id>")
def participant_erase(code, external_id):
    participant = participant_at(program_at(code, actor=current_actor()), external_id)
    outcome = erase_and_delete_recordings(participant.id, actor=current_actor())
    erasure = outcome.erasure
    return {"status": "pending" if outcome.pending else "erased", "recordings_pending": outcome.pending,
            "erased": {"cases": erasure.cases, "messages": erasure.messages, "calls": erasure.calls,
                       "recordings": erasure.recordings}}


@bp.get("/audit-events")
def audit_events_index():
    actor = current_actor()
    if actor.visible_program_ids() is not None:
        raise Forbidden(_("the audit log needs a token that sees every program"))
    filters = parse_audit_filters(request.args, actor=actor, since_name="since")
    limit = query_limit(current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"])
    page = list_audit_events(filters, actor=actor, cursor=query_cursor(CURSOR_TYPES), limit=limit)
    codes = {p.id: p.code for p in visible_programs(actor)}
    return {"items": [audit_event_json(e, codes) for e in page.items], "next": page.next_cursor}


def audit_event_json(event: AuditEvent, program_codes: dict[int, str]) -> dict:
    return {
        "id": event.id,
        "occurred_at": timestamp(event.occurred_at),
        "actor": {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name},
        "action": event.action,
        "target": {"type": event.target_type, "id": event.target_id} if event.target_type else None,
        "program": program_codes.get(event.program_id),
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "changes": event.changes,
        "details": event.details,
    }
