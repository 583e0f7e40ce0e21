"""Canned replies: each program's ready-made SMS texts per language, kept by its managers. Their bodies use the call
scripts' merge fields (:mod:`helpdesk.scripts.merge_fields`); on a case page each is filled in for that case, as
plain text the agent inserts into the reply box and may still edit."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.cases.models import Case
from helpdesk.conversations.models import CannedReply
from helpdesk.conversations.notices import language_of
from helpdesk.database import lock_row
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES, Program
from helpdesk.scripts.merge_fields import (
    RefusedTemplate,
    available_fields,
    merge_fields_in,
    render_plain,
    resolve_values,
)
from helpdesk.telephony.segments import MAX_MESSAGE
from helpdesk.validation import FieldErrors

MAX_TITLE = 80
AUDITED = ("title", "language", "body")


@dataclass(frozen=True)
class PickedReply:
    """A canned reply as the picker offers it on one case: its text filled in for that case."""

    id: int
    title: str
    language: str
    text: str


def canned_replies(program: Program) -> list[CannedReply]:
    return list(db.session.scalars(select(CannedReply).where(CannedReply.program_id == program.id)
                                   .order_by(CannedReply.language, CannedReply.title)))


def get_canned_reply(program: Program, reply_id: int, *, actor: Actor) -> CannedReply:
    reply = db.session.get(CannedReply, reply_id)
    if reply is None or reply.program_id != program.id or not can_access(actor, program.id):
        raise NotFound(f"no canned reply {reply_id}")
    return reply


def _locked(program: Program, reply_id: int) -> CannedReply:
    reply = lock_row(CannedReply, CannedReply.id == reply_id, CannedReply.program_id == program.id)
    if reply is None:
        raise NotFound(f"no canned reply {reply_id}")
    return reply


def save_canned_reply(program: Program, reply_id: int | None, *, title, language, body,
                      actor: Actor) -> CannedReply:
    """Add a reply (``reply_id`` None) or change one. The body must render: only text and known merge fields."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    reply = _locked(program, reply_id) if reply_id is not None else None
    errors = FieldErrors()
    title = errors.text("title", title, max_length=MAX_TITLE)
    body = errors.text("body", body, max_length=MAX_MESSAGE)
    if language not in LOCALES:
        errors.add("language", _("must be one of %(values)s", values=", ".join(LOCALES)))
    if body:
        errors.check("body", lambda: check_body(body))
    lock_row(Program, Program.id == program.id)  # two managers saving one title: the second is told
    same = select(CannedReply.id).where(CannedReply.program_id == program.id, CannedReply.language == language,
                                        CannedReply.title == title, CannedReply.id != (reply.id if reply else 0))
    if title and db.session.scalar(same):
        errors.add("title", _("is already the title of another reply in this language"))
    errors.raise_if_any()
    before = snapshot(reply, AUDITED) if reply else None
    if reply is None:
        reply = CannedReply(program_id=program.id)
        db.session.add(reply)
    reply.title, reply.language, reply.body = title, language, body
    db.session.flush()
    if before is None:
        record("canned_reply.created", actor=actor, target=reply, program=program,
               details=snapshot(reply, AUDITED))
    elif changes := changes_between(before, snapshot(reply, AUDITED)):
        record("canned_reply.changed", actor=actor, target=reply, program=program, changes=changes)
    return reply


def delete_canned_reply(program: Program, reply_id: int, *, actor: Actor) -> None:
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    reply = _locked(program, reply_id)
    details = snapshot(reply, AUDITED)
    db.session.delete(reply)
    db.session.flush()
    record("canned_reply.deleted", actor=actor, target=("canned_reply", reply_id), program=program, details=details)


def check_body(body: str) -> None:
    """A ValueError naming what keeps ``body`` from rendering: a merge field no feature declares, or anything
    but text and ``{{ namespace.field }}``."""
    try:
        used = merge_fields_in(body)
    except RefusedTemplate as exc:
        raise ValueError(_("line %(line)s: only text and merge fields such as %(example)s are allowed",
                           line=exc.line, example="{{ participant.first_name }}")) from None
    known = set(available_fields())
    for namespace, field, line in used:
        if f"{namespace}.{field}" not in known:
            raise ValueError(_("line %(line)s: unknown merge field %(field)s", line=line,
                               field=f"{{{{ {namespace}.{field} }}}}"))


def replies_for_case(case: Case, actor: Actor) -> tuple[str, list[PickedReply], list[PickedReply]]:
    """(the participant's language, the program's replies in it, those in other languages), filled in for
    ``case``."""
    language = language_of(case.participant, case.program)
    replies = canned_replies(case.program)
    values = resolve_values(case, actor) if replies else {}
    picked = [PickedReply(reply.id, reply.title, reply.language, render_plain(reply.body, values))
              for reply in replies]
    return (language, [reply for reply in picked if reply.language == language],
            [reply for reply in picked if reply.language != language])
