"""Merging a case into another of the same program: everything of the merged case moves onto the other one, and
the merged case is closed with a pointer to it.

Both cases are locked, in id order (two agents merging A into B and B into A meet on the first lock). Texts
being filed meanwhile lock their case too (see :mod:`helpdesk.telephony.threads`): one filed before the merge
is moved with the others, one filed after it follows the pointer. Nothing is left behind.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update

from helpdesk.actors import Actor, can_access
from helpdesk.cases.models import Case, CaseEvent, EventKind, Status
from helpdesk.cases.services import _change_status, _record, update_case
from helpdesk.database import lock_row, utcnow
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.signals import case_status_changed, cases_merged


def merge_cases(source_id: int, target_id: int, *, actor: Actor) -> Case:
    """Merge the case ``source_id`` into ``target_id``; returns the target. Refused (Conflict) with the reason."""
    if source_id == target_id:
        raise Conflict(_("a case cannot be merged into itself"))
    locked = {case_id: lock_row(Case, Case.id == case_id) for case_id in sorted((source_id, target_id))}
    source, target = locked[source_id], locked[target_id]
    for case in (source, target):
        if case is None or not can_access(actor, case.program_id):
            raise NotFound("no such case")
    _check(source, target)
    cases_merged.send(source, into=target)
    db.session.execute(update(CaseEvent).where(CaseEvent.case_id == source.id).values(case_id=target.id)
                       .execution_options(synchronize_session=False))
    now = utcnow()
    source.updated_at = target.updated_at = now
    _record(target, EventKind.MERGED_FROM, actor, case_id=source.id, reference=source.reference)
    _record(source, EventKind.MERGED_INTO, actor, case_id=target.id, reference=target.reference)
    if target.participant_id is None and source.participant_id is not None:
        update_case(target, actor=actor, participant=source.participant)
    target.participant_texted_at = max(filter(None, (target.participant_texted_at, source.participant_texted_at)),
                                       default=None)
    source.merged_into_id, source.participant_texted_at = target.id, None
    old_status = source.status
    if old_status != Status.CLOSED:
        _change_status(source, Status.CLOSED, actor, now)
    db.session.flush()
    if old_status != Status.CLOSED:
        case_status_changed.send(source, old=old_status, new=Status.CLOSED, actor=actor)
    return target


def case_by_reference(text: str, *, program: Program, actor: Actor) -> Case:
    """The case a person names: "AURORA-204" (any program the actor sees), or "204" in ``program``."""
    code, _sep, number = text.strip().upper().rpartition("-")
    query = select(Case).join(Program, Program.id == Case.program_id).where(
        Program.code == code if code else Program.id == program.id)
    case = db.session.scalar(query.where(Case.number == int(number))) if number.isdigit() and len(number) < 10 \
        else None
    if case is None or not can_access(actor, case.program_id):
        raise ValidationError("into", _("no case %(reference)s", reference=text.strip()[:80]))
    return case


def _check(source: Case, target: Case) -> None:
    if source.program_id != target.program_id:
        raise Conflict(_("%(case)s belongs to another program: only cases of the same program can be merged",
                         case=target.reference))
    if source.merged_into_id is not None:
        raise Conflict(_("%(case)s was merged into another case already", case=source.reference))
    if target.status == Status.CLOSED:
        raise Conflict(_("%(case)s is closed: merge into an open or resolved case", case=target.reference))
    if None not in (source.participant_id, target.participant_id) and source.participant_id != target.participant_id:
        raise Conflict(_("%(one)s and %(other)s are about different participants",
                         one=source.reference, other=target.reference))
