"""Holidays and special opening hours of a program: dated ranges that replace its weekly hours, for the SLA clocks
and for what callers hear."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import record
from helpdesk.database import lock_row
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.business_hours import validate_day_hours
from helpdesk.programs.models import Program, SpecialDays
from helpdesk.validation import FieldErrors, within_years

MAX_DAYS = 366


def add_special_days(program: Program, *, starts_on: date | None, ends_on: date | None, hours, note,
                     actor: Actor) -> SpecialDays:
    """Days from ``starts_on`` to ``ends_on`` (None: that one day) with ``hours`` (empty: closed) instead of the
    weekly hours. The program's row is locked while overlaps are looked for, so two ranges never overlap."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    starts_on = errors.check("starts_on", lambda: _day(starts_on))
    ends_on = errors.check("ends_on", lambda: within_years(ends_on)) if ends_on else starts_on
    intervals = errors.check("hours", lambda: validate_day_hours(hours))
    note = errors.text("note", note, max_length=120, required=False)
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors.add("ends_on", _("is before the first day"))
        elif (ends_on - starts_on).days >= MAX_DAYS:
            errors.add("ends_on", _("is more than a year after the first day"))
    errors.raise_if_any()
    lock_row(Program, Program.id == program.id)
    overlapping = db.session.scalar(select(SpecialDays).where(
        SpecialDays.program_id == program.id, SpecialDays.starts_on <= ends_on, SpecialDays.ends_on >= starts_on))
    if overlapping is not None:
        days = f"{overlapping.starts_on} – {overlapping.ends_on}"
        days += f" ({overlapping.note})" if overlapping.note else ""
        errors.add("starts_on", _("these days overlap %(days)s", days=days))
        errors.raise_if_any()
    entry = SpecialDays(program=program, starts_on=starts_on, ends_on=ends_on, hours=intervals, note=note)
    db.session.add(entry)
    db.session.flush()
    record("program.special_days_added", actor=actor, target=program, program=program, details=_details(entry))
    return entry


def remove_special_days(program: Program, entry_id: int, *, actor: Actor) -> SpecialDays:
    """Back to the weekly hours on those days; an entry of another program is missing."""
    entry = lock_row(SpecialDays, SpecialDays.id == entry_id, SpecialDays.program_id == program.id)
    if entry is None or not can_access(actor, program.id):
        raise NotFound(f"no special days {entry_id}")
    details = _details(entry)
    db.session.delete(entry)
    db.session.flush()
    record("program.special_days_removed", actor=actor, target=program, program=program, details=details)
    return entry


def _day(value) -> date:
    if not isinstance(value, date):
        raise ValueError(_("is required"))
    return within_years(value)


def _details(entry: SpecialDays) -> dict:
    return {"starts_on": entry.starts_on.isoformat(), "ends_on": entry.ends_on.isoformat(), "hours": entry.hours,
            "note": entry.note}
