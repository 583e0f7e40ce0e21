"""Records as API v1 JSON (the shapes are specified in docs/openapi.yaml)."""

from datetime import UTC, datetime

from helpdesk.cases.models import Case
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program

CASE_TIMESTAMPS = ("created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
                   "first_response_due_at", "resolution_due_at")


def timestamp(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the millisecond; None stays null."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def program_json(program: Program) -> dict:
    return {
        "code": program.code,
        "name": program.name,
        "hotline_number": program.hotline_number,
        "timezone": program.timezone,
        "locale": program.locale,
        "created_at": timestamp(program.created_at),
    }


def participant_json(participant: Participant) -> dict:
    return {
        "program": participant.program.code,
        "external_id": participant.external_id,
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "phone": participant.phone,
        "email": participant.email,
        "locale": participant.locale,
        "points_balance": participant.points_balance,
        "created_at": timestamp(participant.created_at),
        "updated_at": timestamp(participant.updated_at),
    }


def case_json(case: Case) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "reference": case.reference,
        "program": case.program.code,
        "participant_external_id": case.participant.external_id if case.participant else None,
        "status": case.status.value,
        "channel": case.channel.value,
        "category": case.category.value,
        "priority": case.priority.key,
        "subject": case.subject,
        "description": case.description,
        "assignee_email": case.assignee.email if case.assignee else None,
        **{name: timestamp(getattr(case, name)) for name in CASE_TIMESTAMPS},
    }
