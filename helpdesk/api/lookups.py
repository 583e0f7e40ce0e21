"""Finding the records an API request names.

A key in the URL that leads nowhere answers 404; a key in the body or the query string answers 422 naming
the field. Either way a program the token may not see looks exactly like one that does not exist.
"""

from flask import request

from helpdesk.actors import Actor
from helpdesk.api.parsing import checked_text, query_text
from helpdesk.auth.models import User
from helpdesk.cases.queues import CaseFilters
from helpdesk.cases.services import UNCHANGED, find_assignee
from helpdesk.errors import NotFound, ValidationError
from helpdesk.participants.models import Participant
from helpdesk.participants.services import find_by_external_id
from helpdesk.programs.models import Program
from helpdesk.programs.services import get_program, visible_programs

MAX_CODE = 32
MAX_EXTERNAL_ID = 64
MAX_EMAIL = 254


def _could_exist(key: str, max_length: int) -> bool:
    return len(key) <= max_length and "\x00" not in key


def program_at(code: str, *, actor: Actor) -> Program:
    """The program named in the URL."""
    if not _could_exist(code, MAX_CODE):
        raise NotFound("no such program")
    return get_program(code, actor=actor)


def participant_at(program: Program, external_id: str) -> Participant:
    """The participant named in the URL (the program is already one the actor may see)."""
    participant = find_by_external_id(program, external_id) if _could_exist(external_id, MAX_EXTERNAL_ID) else None
    if participant is None:
        raise NotFound(f"no participant {external_id[:64]!r} in program {program.code}")
    return participant


def program_field(name: str, code, *, actor: Actor) -> Program:
    """The program named by a body field; 422 if missing or not one the actor may use."""
    code = checked_text(name, code, max_length=MAX_CODE)
    try:
        return get_program(code, actor=actor)
    except NotFound:
        raise ValidationError(name, f"no program {code!r} that this token may use") from None


def participant_field(name: str, program: Program, external_id) -> Participant | None:
    """The participant named by an optional field; None when not given, 422 when unknown in ``program``."""
    external_id = checked_text(name, external_id, max_length=MAX_EXTERNAL_ID, required=False)
    if external_id is None:
        return None
    participant = find_by_external_id(program, external_id)
    if participant is None:
        raise ValidationError(name, f"no participant {external_id!r} in program {program.code}")
    return participant


def assignee_change(body: dict) -> User | None | object:
    """``assignee_email``: absent keeps the assignee (UNCHANGED), null or "" unassigns, else the user."""
    if "assignee_email" not in body:
        return UNCHANGED
    email = checked_text("assignee_email", body["assignee_email"], max_length=MAX_EMAIL, required=False)
    return find_assignee(email)


def case_filters(*, actor: Actor) -> CaseFilters:
    """Filters from ``?program=&status=&participant_external_id=``; each bad value is a 422 naming it."""
    programs = {p.code: p for p in visible_programs(actor)}
    filters = CaseFilters.parse({"program": request.args.get("program"), "status": request.args.get("status")},
                                programs)
    external_id = query_text("participant_external_id", max_length=MAX_EXTERNAL_ID)
    if external_id:
        program = _filter_program(filters, programs, actor)
        filters.participant_id = participant_field("participant_external_id", program, external_id).id
    return filters


def _filter_program(filters: CaseFilters, programs: dict[str, Program], actor: Actor) -> Program:
    """External ids are unique within a program: the one filtered on, or a scoped token's own."""
    if filters.program_id is not None:
        return next(p for p in programs.values() if p.id == filters.program_id)
    if actor.visible_program_ids() is not None and len(programs) == 1:
        return next(iter(programs.values()))
    raise ValidationError("program", "is required to filter by participant_external_id")
