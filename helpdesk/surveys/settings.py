"""Each program's survey rules: its own settings where it has them, the SURVEY_* configuration elsewhere."""

import re
from dataclasses import dataclass
from datetime import time, timedelta

from flask import current_app

from helpdesk.actors import Actor, can_access
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES, Program
from helpdesk.surveys.models import SurveySettings
from helpdesk.surveys.texts import PLACEHOLDERS
from helpdesk.validation import FieldErrors

_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
MAX_DELAY_MINUTES = 7 * 24 * 60
MAX_FATIGUE_DAYS = 365
MAX_QUESTION = 300
# The average score a program aims at unless it sets its own. TODO(scales): 9.5 on a 0-10 scale, once programs
# have scales (issue 16, item 1).
DEFAULT_TARGET = 4.8


@dataclass(frozen=True)
class SurveyRules:
    enabled: bool
    delay: timedelta
    quiet_hours: tuple[time, time] | None  # local (start, end); start > end wraps midnight
    fatigue: timedelta
    questions: dict[str, str]


def parse_quiet_hours(text: str | None) -> tuple[time, time] | None:
    """``"21:00-09:00"`` → (21:00, 09:00); empty → None (no quiet hours). Raises ValueError."""
    text = (text or "").strip()
    if not text:
        return None
    match = _QUIET.match(text)
    if not match:
        raise ValueError("must be HH:MM-HH:MM, e.g. 21:00-09:00, or empty for none")
    h1, m1, h2, m2 = map(int, match.groups())
    if (h1, m1) == (h2, m2):
        raise ValueError("must start and end at different times")
    return time(h1, m1), time(h2, m2)


def settings_of(program: Program) -> SurveySettings | None:
    return db.session.get(SurveySettings, program.id)


def rules_for(program: Program) -> SurveyRules:
    settings = settings_of(program)
    config = current_app.config
    own = settings or SurveySettings(enabled=True, questions={})
    delay = own.delay_minutes if own.delay_minutes is not None else config["SURVEY_DELAY_MINUTES"]
    quiet = own.quiet_hours if own.quiet_hours is not None else config["SURVEY_QUIET_HOURS"]
    fatigue = own.fatigue_days if own.fatigue_days is not None else config["SURVEY_FATIGUE_DAYS"]
    return SurveyRules(enabled=own.enabled is not False, delay=timedelta(minutes=delay),
                       quiet_hours=parse_quiet_hours(quiet), fatigue=timedelta(days=fatigue),
                       questions=dict(own.questions or {}))


def target_for(program: Program) -> float:
    settings = settings_of(program)
    return settings.target if settings is not None and settings.target is not None else DEFAULT_TARGET


def update_survey_settings(program: Program, *, enabled: bool, delay_minutes, quiet_hours, fatigue_days,
                           questions: dict, actor: Actor, target=None) -> SurveySettings:
    """Save the program's rules; an empty number means "the configured default" (for ``target``,
    DEFAULT_TARGET)."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    delay = errors.check("delay_minutes", lambda: _optional_int(delay_minutes, MAX_DELAY_MINUTES))
    fatigue = errors.check("fatigue_days", lambda: _optional_int(fatigue_days, MAX_FATIGUE_DAYS))
    quiet = errors.text("quiet_hours", quiet_hours, max_length=11, required=False)
    if quiet is not None:
        errors.check("quiet_hours", lambda: parse_quiet_hours(quiet))
    clean_questions = {}
    for locale in LOCALES:
        text = errors.text(f"question_{locale}", (questions or {}).get(locale), max_length=MAX_QUESTION,
                           required=False)
        if text:
            if "{case}" not in text:
                errors.add(f"question_{locale}", f"must name the case with {PLACEHOLDERS[0]}")
            clean_questions[locale] = text
    clean_target = errors.check("target", lambda: _optional_target(target))
    errors.raise_if_any()
    settings = settings_of(program) or SurveySettings(program_id=program.id)
    settings.enabled, settings.delay_minutes, settings.fatigue_days = bool(enabled), delay, fatigue
    settings.target = clean_target
    settings.quiet_hours, settings.questions = quiet, clean_questions
    db.session.add(settings)
    db.session.flush()
    return settings


def _optional_target(value) -> float | None:
    """An average score on the 1-5 scale, "4.8" or "4,8", at most two decimals; empty for the default."""
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if not text:
        return None
    try:
        target = round(float(text), 2) if len(text) <= 8 else None
    except ValueError:
        target = None
    if target is None or not 1 <= target <= 5 or abs(float(text) - target) > 1e-9:
        raise ValueError("must be an average score from 1 to 5, such as 4.8")
    return target


def _optional_int(value, maximum: int) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and int(text) <= maximum):
        raise ValueError(f"must be a whole number from 0 to {maximum}")
    return int(text)
