"""Each program's survey rules: its own settings where it has them, the SURVEY_* configuration elsewhere."""

import re
from dataclasses import dataclass
from datetime import time, timedelta

from flask import current_app
from flask_babel import gettext as _

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES, Program
from helpdesk.surveys.models import SCALES, Scale, SurveySettings
from helpdesk.surveys.texts import KEYS, MAX_TEXT, text_problem
from helpdesk.validation import FieldErrors

_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
MAX_DELAY_MINUTES = 7 * 24 * 60
MAX_FATIGUE_DAYS = 365
# The average score a program aims at unless it sets its own, per scale (its top score).
DEFAULT_TARGET = {5: 4.8, 10: 9.5}

SURVEY_SETTINGS = ("enabled", "delay_minutes", "quiet_hours", "fatigue_days", "scale", "texts", "target")


@dataclass(frozen=True)
class SurveyRules:
    enabled: bool
    delay: timedelta
    quiet_hours: tuple[time, time] | None  # local (start, end); start > end wraps midnight
    fatigue: timedelta
    scale: Scale
    texts: dict[str, dict[str, str]]  # locale -> text key -> the program's own text

    def text(self, locale: str, key: str) -> str | None:
        return self.texts.get(locale, {}).get(key)


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


def scale_of(program: Program) -> Scale:
    settings = settings_of(program)
    return SCALES[settings.scale if settings is not None and settings.scale in SCALES else 5]


def rules_for(program: Program) -> SurveyRules:
    settings = settings_of(program)
    config = current_app.config
    own = settings or SurveySettings(enabled=True, texts={}, scale=5)
    delay = own.delay_minutes if own.delay_minutes is not None else config["SURVEY_DELAY_MINUTES"]
    quiet = own.quiet_hours if own.quiet_hours is not None else config["SURVEY_QUIET_HOURS"]
    fatigue = own.fatigue_days if own.fatigue_days is not None else config["SURVEY_FATIGUE_DAYS"]
    return SurveyRules(enabled=own.enabled is not False, delay=timedelta(minutes=delay),
                       quiet_hours=parse_quiet_hours(quiet), fatigue=timedelta(days=fatigue),
                       scale=SCALES.get(own.scale, SCALES[5]), texts=dict(own.texts or {}))


def target_for(program: Program) -> float:
    """The program's target average score on its current scale."""
    settings = settings_of(program)
    if settings is not None and settings.target is not None:
        return settings.target
    return DEFAULT_TARGET[scale_of(program).top]


def update_survey_settings(program: Program, *, enabled: bool, delay_minutes, quiet_hours, fatigue_days,
                           texts: dict, actor: Actor, scale=None, target=None) -> SurveySettings:
    """Save the program's rules; an empty number means "the configured default" (for ``target``, the scale's
    DEFAULT_TARGET), an empty text the standard one, no ``scale`` the program's current one. ``texts`` maps
    locale -> text key -> text; a text with an unknown placeholder or over the segment limit is refused, naming
    why (field ``text_<locale>_<key>``)."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    delay = errors.check("delay_minutes", lambda: _optional_int(delay_minutes, MAX_DELAY_MINUTES))
    fatigue = errors.check("fatigue_days", lambda: _optional_int(fatigue_days, MAX_FATIGUE_DAYS))
    quiet = errors.text("quiet_hours", quiet_hours, max_length=11, required=False)
    if quiet is not None:
        errors.check("quiet_hours", lambda: parse_quiet_hours(quiet))
    top = errors.check("scale", lambda: scale_of(program).top if scale is None else _scale(scale))
    clean_texts = {}
    for locale in LOCALES:
        for key in KEYS:
            field = f"text_{locale}_{key}"
            text = errors.text(field, ((texts or {}).get(locale) or {}).get(key), max_length=MAX_TEXT,
                               required=False)
            if text and (problem := text_problem(text, program.name)):
                errors.add(field, problem)
            elif text:
                clean_texts.setdefault(locale, {})[key] = text
    clean_target = errors.check("target", lambda: _optional_target(target, SCALES.get(top, SCALES[5])))
    errors.raise_if_any()
    settings = settings_of(program) or SurveySettings(program_id=program.id)
    before = snapshot(settings, SURVEY_SETTINGS)
    settings.enabled, settings.delay_minutes, settings.fatigue_days = bool(enabled), delay, fatigue
    settings.quiet_hours, settings.texts, settings.scale = quiet, clean_texts, top
    settings.target = clean_target
    db.session.add(settings)
    db.session.flush()
    if changes := changes_between(before, snapshot(settings, SURVEY_SETTINGS)):
        record("program.survey_settings_changed", actor=actor, target=program, program=program, changes=changes)
    return settings


def _scale(value) -> int:
    if str(value).strip() not in ("5", "10"):
        raise ValueError(_("must be 5 (1 to 5) or 10 (0 to 10)"))
    return int(str(value).strip())


def _optional_target(value, scale: Scale) -> float | None:
    """An average score on ``scale``, "4.8" or "4,8", at most two decimals; empty for the scale's default."""
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if not text:
        return None
    try:
        target = round(float(text), 2) if len(text) <= 8 else None
    except ValueError:
        target = None
    if target is None or not scale.low <= target <= scale.top or abs(float(text) - target) > 1e-9:
        raise ValueError(_("must be an average score from %(low)d to %(top)d, such as %(example)s",
                           low=scale.low, top=scale.top, example=f"{DEFAULT_TARGET[scale.top]:g}"))
    return target


def _optional_int(value, maximum: int) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and int(text) <= maximum):
        raise ValueError(f"must be a whole number from 0 to {maximum}")
    return int(text)
