"""Programs: creation, settings, and which programs an actor may see."""

from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.errors import Forbidden, NotFound
from helpdesk.extensions import db
from helpdesk.phones import normalize_phone
from helpdesk.programs.business_hours import parse_interval, validate_business_hours
from helpdesk.programs.models import DEFAULT_SLA_TARGETS, LOCALES, Program
from helpdesk.validation import FieldErrors

_TIMEZONES = available_timezones()
SLA_KINDS = ("first_response", "resolution")
MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS = 1, 120
SETTINGS = ("name", "hotline_number", "timezone", "locale", "business_hours", "sla_targets", "greetings",
            "on_duty_numbers", "retention_months")


def visible_programs(actor: Actor) -> list[Program]:
    """The programs ``actor`` may see, by code. A user's are loaded with their program ids already, so they come
    from the session's identity map without a second query."""
    visible = actor.visible_program_ids()
    if visible is None:
        return list(db.session.scalars(select(Program).order_by(Program.code)))
    programs = (db.session.get(Program, program_id) for program_id in visible)
    return sorted((program for program in programs if program is not None), key=lambda program: program.code)


def get_program(code: str, *, actor: Actor) -> Program:
    """The program with ``code``; one the actor may not see is reported as missing, not as forbidden."""
    program = db.session.scalar(select(Program).where(Program.code == code))
    if program is None or not can_access(actor, program.id):
        raise NotFound(f"no program {code!r}")
    return program


def _check_admin(actor: Actor) -> None:
    if actor.visible_program_ids() is not None:
        raise Forbidden("only an administrator or an unscoped API token may create programs")


def create_program(*, code, name, hotline_number, timezone, locale, actor: Actor) -> Program:
    _check_admin(actor)
    errors = FieldErrors()
    code = errors.text("code", code, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9_]*$",
                       pattern_message=_("use capital letters, digits and _ (e.g. AURORA)"))
    name = errors.text("name", name, max_length=120)
    hotline = errors.check("hotline_number", lambda: normalize_phone(hotline_number))
    timezone = errors.check("timezone", lambda: _timezone(timezone))
    locale = errors.check("locale", lambda: _locale(locale))
    if code and db.session.scalar(select(Program.id).where(Program.code == code)):
        errors.add("code", _("is already used by another program"))
    if hotline and db.session.scalar(select(Program.id).where(Program.hotline_number == hotline)):
        errors.add("hotline_number", _("is already the hotline of another program"))
    errors.raise_if_any()
    program = Program(code=code, name=name, hotline_number=hotline, timezone=timezone, locale=locale)
    db.session.add(program)
    db.session.flush()
    record("program.created", actor=actor, target=program, program=program,
           changes={"code": [None, code], "name": [None, name], "hotline_number": [None, hotline]})
    return program


def update_program_settings(program: Program, *, name, hotline_number, timezone, locale, business_hours,
                            sla_targets, greetings: dict | None = None, on_duty_numbers=None,
                            retention_months=None, actor: Actor) -> Program:
    """``retention_months`` None keeps the program's."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    name = errors.text("name", name, max_length=120)
    hotline = errors.check("hotline_number", lambda: normalize_phone(hotline_number))
    timezone = errors.check("timezone", lambda: _timezone(timezone))
    locale = errors.check("locale", lambda: _locale(locale))
    hours = errors.check("business_hours", lambda: validate_business_hours(business_hours))
    targets = errors.check("sla_targets", lambda: validate_sla_targets(sla_targets))
    greetings = errors.check("greetings", lambda: _greetings(greetings or {}))
    on_duty = errors.check("on_duty_numbers", lambda: _phone_list(on_duty_numbers or []))
    retention = errors.check("retention_months", lambda: _retention(retention_months, program.retention_months))
    if hours and targets and not _hours_fit_targets(hours, targets):
        errors.add("business_hours", _("leave too little time in a year for the SLA targets"))
    if hotline and db.session.scalar(
        select(Program.id).where(Program.hotline_number == hotline, Program.id != program.id)
    ):
        errors.add("hotline_number", _("is already the hotline of another program"))
    errors.raise_if_any()
    before = snapshot(program, SETTINGS)
    program.name, program.hotline_number, program.timezone, program.locale = name, hotline, timezone, locale
    program.business_hours, program.sla_targets = hours, targets
    program.greetings, program.on_duty_numbers, program.retention_months = greetings, on_duty, retention
    db.session.flush()
    if changes := changes_between(before, snapshot(program, SETTINGS)):
        record("program.settings_changed", actor=actor, target=program, program=program, changes=changes)
    return program


def _retention(months, current: int) -> int:
    if months is None:
        return current
    if not isinstance(months, int) or isinstance(months, bool) or not (
            MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS):
        raise ValueError(_("must be a whole number of months from %(min)d to %(max)d", min=MIN_RETENTION_MONTHS,
                           max=MAX_RETENTION_MONTHS))
    return months


def validate_sla_targets(targets: dict) -> dict:
    if not isinstance(targets, dict):
        raise ValueError("must map each priority to first_response and resolution minutes")
    clean = {}
    for priority in DEFAULT_SLA_TARGETS:
        entry = targets.get(priority) or {}
        clean[priority] = {}
        for kind in SLA_KINDS:
            value = entry.get(kind)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60 * 24 * 90:
                raise ValueError(f"{priority} {kind.replace('_', ' ')} must be minutes from 1 to 129600")
            clean[priority][kind] = value
        if clean[priority]["resolution"] < clean[priority]["first_response"]:
            raise ValueError(f"{priority}: resolution target is shorter than the first-response target")
    return clean


def _hours_fit_targets(hours: dict, targets: dict) -> bool:
    weekly = sum(end - start for intervals in hours.values() for start, end in map(parse_interval, intervals))
    longest = max(t["resolution"] for t in targets.values())
    return weekly == 0 or weekly * 50 >= longest  # no hours at all: around the clock


def _greetings(greetings: dict) -> dict:
    clean = {}
    for locale, words in greetings.items():
        if locale not in LOCALES:
            raise ValueError(f"unknown language {locale!r}")
        if words and len(words.strip()) > 500:
            raise ValueError(f"the {locale} greeting is longer than 500 characters")
        if words and words.strip():
            clean[locale] = words.strip()
    return clean


def _phone_list(numbers) -> list[str]:
    """On-duty phones, one per line or comma-separated, as E.164; the line of a bad one is named."""
    if isinstance(numbers, str):
        numbers = numbers.replace(",", "\n").splitlines()
    clean = []
    for line_number, raw in enumerate(numbers, start=1):
        if not raw.strip():
            continue
        try:
            number = normalize_phone(raw)
        except ValueError as exc:
            raise ValueError(f"line {line_number} ({raw.strip()[:40]}) {exc}") from None
        if number not in clean:
            clean.append(number)
    if len(clean) > 10:
        raise ValueError("at most 10 numbers ring at once")
    return clean


def _timezone(value) -> str:
    if not isinstance(value, str) or value not in _TIMEZONES:
        raise ValueError("is not an IANA timezone such as Europe/Warsaw")
    return value


def _locale(value) -> str:
    if value not in LOCALES:
        raise ValueError(f"must be one of {', '.join(LOCALES)}")
    return value
