"""Retention: each program keeps message texts, transcriptions, survey comments and call recordings for its
``retention_months`` (24 by default); older ones are erased as an erasure erases them (the marker in their
place, recordings deleted at Twilio), a chunk per unit of work. Cases, scores and every figure stay.

Run by the worker daily and by ``flask --app wsgi privacy purge [--dry-run]``. What was purged is not found
again (its text is the marker), so a second run changes nothing.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update

from helpdesk.actors import SystemActor
from helpdesk.audit.services import record
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.database import unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.privacy.models import ERASED
from helpdesk.privacy.recordings import queue_recording_deletions
from helpdesk.programs.models import Program
from helpdesk.surveys.models import Survey
from helpdesk.telephony.models import Call, Message, TelephonyEvent

PURGE = SystemActor("Retention purge")
CHUNK = 1000
# Timeline entries that repeat a message's text or a transcription.
TEXT_EVENTS = (TelephonyEvent.SMS_IN.value, TelephonyEvent.SMS_OUT.value, TelephonyEvent.TRANSCRIPTION.value,
               "survey_answered", "survey_unclear", "survey_comment")
KINDS = ("messages", "timeline_entries", "survey_comments", "transcriptions", "recordings")


@dataclass
class PurgeSummary:
    counts: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    programs: list[str] = field(default_factory=list)

    def add(self, kind: str, count: int) -> None:
        self.counts[kind] += count

    def __str__(self) -> str:
        return (f"{self.counts['messages']:,} message texts, {self.counts['timeline_entries']:,} timeline entries, "
                f"{self.counts['survey_comments']:,} survey comments, {self.counts['transcriptions']:,} "
                f"transcriptions, {self.counts['recordings']:,} recordings")


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1]))


def _targets(program: Program, cutoff: datetime):
    """Per kind: the model, the condition of what is due, and how it is erased."""
    return (
        ("messages", Message, (Message.program_id == program.id, Message.created_at < cutoff,
                               Message.body != ERASED, Message.status.not_in(("pending", "sending"))),
         {"body": ERASED}),
        ("timeline_entries", CaseEvent, (CaseEvent.case_id.in_(_program_cases(program)),
                                         CaseEvent.created_at < cutoff, CaseEvent.kind.in_(TEXT_EVENTS),
                                         CaseEvent.body != ERASED, CaseEvent.body != ""),
         {"body": ERASED}),
        ("survey_comments", Survey, (Survey.program_id == program.id, Survey.comment_at < cutoff,
                                     Survey.comment != ERASED), {"comment": ERASED}),
        ("transcriptions", Call, (Call.program_id == program.id, Call.started_at < cutoff,
                                  Call.transcription != ERASED), {"transcription": ERASED}),
        ("recordings", Call, (Call.program_id == program.id, Call.started_at < cutoff,
                              Call.recording_sid.is_not(None)), {"recording_sid": None, "recording_url": None}),
    )


def _program_cases(program: Program):
    return select(Case.id).where(Case.program_id == program.id).scalar_subquery()


def purge_expired(*, dry_run: bool = False, now: datetime | None = None, chunk: int = CHUNK,
                  progress: Callable[[str, str, int], None] | None = None) -> PurgeSummary:
    """Erase what every program keeps past its retention; with ``dry_run`` only count it.
    ``progress(program_code, kind, done)`` after each chunk."""
    now, summary = now or utcnow(), PurgeSummary()
    programs = db.session.execute(select(Program.id, Program.code, Program.retention_months)
                                  .order_by(Program.code)).all()
    for program in programs:
        cutoff = months_before(now, program.retention_months)
        for kind, model, due, erased in _targets(program, cutoff):
            done = _count(model, due) if dry_run else _purge_kind(program, kind, model, due, erased, chunk, progress)
            if done:
                summary.add(kind, done)
                if program.code not in summary.programs:
                    summary.programs.append(program.code)
            if progress is not None and dry_run:
                progress(program.code, kind, done)
    return summary


def _count(model, due) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*due))


def _purge_kind(program, kind: str, model, due, erased: dict, chunk: int, progress) -> int:
    total = 0
    while True:
        with unit_of_work():
            ids = db.session.scalars(select(model.id).where(*due).order_by(model.id).limit(chunk)).all()
            if not ids:
                return total
            chosen = model.id.in_(ids)
            if kind == "recordings":
                queue_recording_deletions(chosen, reason="retention")
                _drop_recording_links(ids)
            db.session.execute(update(model).where(chosen).values(**erased)
                               .execution_options(synchronize_session=False))
            record("retention.purged", actor=PURGE, program=program.id,
                   details={"kind": kind, "rows": len(ids), "retention_months": program.retention_months})
        total += len(ids)
        if progress is not None:
            progress(program.code, kind, total)


def _drop_recording_links(ids: list[int]) -> None:
    """A purged recording's link leaves its voicemail timeline entry too."""
    events = db.session.scalars(select(CaseEvent).where(
        CaseEvent.kind == TelephonyEvent.VOICEMAIL.value,
        CaseEvent.case_id.in_(select(Call.case_id).where(Call.id.in_(ids)))))
    for event in events:
        if (event.data or {}).get("recording_url") and event.data.get("call_id") in ids:
            event.data = {**event.data, "recording_url": None}
