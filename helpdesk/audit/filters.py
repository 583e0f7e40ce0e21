"""The audit filters as a page or the API receives them: query arguments checked and turned into
:class:`AuditFilters`."""

from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext as _

from helpdesk.actors import Actor
from helpdesk.audit.queries import AuditFilters
from helpdesk.audit.services import ACTIONS
from helpdesk.errors import ValidationError
from helpdesk.programs.services import visible_programs
from helpdesk.reports.periods import parse_date
from helpdesk.validation import FieldErrors


def parse_audit_filters(args, *, actor: Actor, since_name: str | None = None) -> AuditFilters:
    """``actor``, ``action``, ``program`` (a code), ``target_type``, ``target_id``, ``from`` and ``to`` (UTC
    dates, both included); the API's ``since`` (an ISO 8601 moment) when ``since_name`` is given."""
    errors = FieldErrors()
    who = errors.text("actor", args.get("actor"), max_length=254, required=False) or None
    action = args.get("action") or None
    if action is not None and action not in ACTIONS:
        errors.add("action", _("is not an action the audit log records"))
    program_id = None
    if code := args.get("program"):
        program = next((p for p in visible_programs(actor) if p.code == code), None)
        if program is None:
            errors.add("program", _("is not a program you serve"))
        else:
            program_id = program.id
    target_type = errors.text("target_type", args.get("target_type"), max_length=32, required=False) or None
    target_id = errors.text("target_id", args.get("target_id"), max_length=64, required=False) or None
    errors.raise_if_any()
    start, end = _day_start(parse_date("from", args.get("from"))), _day_start(parse_date("to", args.get("to")), 1)
    if since_name and args.get(since_name):
        start = max(filter(None, (start, _moment(since_name, args[since_name]))))
    return AuditFilters(actor=who, action=action, program_id=program_id, target_type=target_type,
                        target_id=target_id, start=start, end=end)


def _day_start(day, plus_days: int = 0) -> datetime | None:
    return None if day is None else datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=UTC)


def _moment(name: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(name, _("must be an ISO 8601 time such as 2026-11-29T08:00:00Z")) from None
    if moment.tzinfo is None:
        raise ValidationError(name, _("must name its time zone (Z for UTC)"))
    if not 1970 <= moment.year <= 9998:
        raise ValidationError(name, _("is out of range"))
    return moment.astimezone(UTC)
