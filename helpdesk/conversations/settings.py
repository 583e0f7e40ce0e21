"""Each program's conversation rules: its own row where it has one, the defaults elsewhere."""

from dataclasses import dataclass
from datetime import timedelta

from helpdesk.actors import Actor, can_access
from helpdesk.conversations.models import DEFAULT_REOPEN_DAYS, DEFAULT_SURVEY_WAIT_DAYS, ConversationSettings
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES, Program
from helpdesk.validation import FieldErrors

MAX_REOPEN_DAYS = 90
MAX_SURVEY_WAIT_DAYS = 60
NOTICES = ("shipped", "reshipped", "delivered")


@dataclass(frozen=True)
class ConversationRules:
    reopen_window: timedelta  # zero: a text to a resolved case always opens a new one
    acknowledge: frozenset[str]  # locales
    notices: frozenset[str]  # of NOTICES
    survey_wait: timedelta


def settings_of(program: Program) -> ConversationSettings | None:
    return db.session.get(ConversationSettings, program.id)


def rules_for(program: Program) -> ConversationRules:
    own = settings_of(program)
    if own is None:
        return ConversationRules(timedelta(days=DEFAULT_REOPEN_DAYS), frozenset(LOCALES), frozenset(NOTICES),
                                 timedelta(days=DEFAULT_SURVEY_WAIT_DAYS))
    notices = {name for name in NOTICES if getattr(own, f"notify_{name}")}
    return ConversationRules(timedelta(days=own.reopen_days), frozenset(own.acknowledge or ()), frozenset(notices),
                             timedelta(days=own.survey_wait_days))


def update_conversation_settings(program: Program, *, reopen_days, acknowledge, notices, survey_wait_days,
                                 actor: Actor) -> ConversationSettings:
    """Save the program's rules; ``acknowledge`` the locales to acknowledge in, ``notices`` those of NOTICES on."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    reopen = errors.check("reopen_days", lambda: _days(reopen_days, MAX_REOPEN_DAYS))
    wait = errors.check("survey_wait_days", lambda: _days(survey_wait_days, MAX_SURVEY_WAIT_DAYS))
    unknown = set(acknowledge) - set(LOCALES)
    if unknown:
        errors.add("acknowledge", f"unknown language {sorted(unknown)[0]!r}")
    if set(notices) - set(NOTICES):
        errors.add("notices", f"must be among {', '.join(NOTICES)}")
    errors.raise_if_any()
    settings = settings_of(program) or ConversationSettings(program_id=program.id)
    settings.reopen_days, settings.survey_wait_days = reopen, wait
    settings.acknowledge = [locale for locale in LOCALES if locale in acknowledge]
    for name in NOTICES:
        setattr(settings, f"notify_{name}", name in notices)
    db.session.add(settings)
    db.session.flush()
    return settings


def _days(value, maximum: int) -> int:
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and int(text) <= maximum):
        raise ValueError(f"must be a whole number of days from 0 to {maximum}")
    return int(text)
