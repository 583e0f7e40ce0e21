"""Which script fits a case: its category (which reflects the caller's menu choice), the language (the
participant's, then the agent's, then the program's, then English) and its program (a program's own script beats
one for every program)."""

from sqlalchemy import or_, select

from helpdesk.cases.models import Case
from helpdesk.extensions import db
from helpdesk.scripts.models import Script

FALLBACK_LOCALE = "en"
MAX_CHOICES = 100


def preferred_locales(case: Case, agent_locale: str | None = None) -> list[str]:
    """The script languages for ``case``, best first: the agent reads the script aloud to the participant, so
    the participant's language comes first and the agent's only stands in when no script speaks it."""
    locales = [case.participant.locale if case.participant else None, agent_locale, case.program.locale,
               FALLBACK_LOCALE]
    return list(dict.fromkeys(locale for locale in locales if locale))


def _for_program(case: Case):
    return select(Script).where(or_(Script.program_id == case.program_id, Script.program_id.is_(None)))


def _preference(case: Case, locales: list[str]):
    def key(script: Script):
        locale_rank = locales.index(script.locale) if script.locale in locales else len(locales)
        return (script.category != case.category.value, locale_rank, script.program_id is None, script.rank,
                script.title)

    return key


def suggest_script(case: Case, *, agent_locale: str | None = None) -> Script | None:
    """The script an agent should start on ``case``, or None when none matches its category.

    ``agent_locale`` is the language the agent works in (the staff UI's locale)."""
    locales = preferred_locales(case, agent_locale)
    candidates = db.session.scalars(_for_program(case).where(Script.category == case.category.value,
                                                             Script.locale.in_(locales)).limit(MAX_CHOICES))
    return min(candidates, key=_preference(case, locales), default=None)


def script_choices(case: Case, *, agent_locale: str | None = None) -> list[Script]:
    """Scripts the agent may pick instead: the case's category first, then the preferred locales."""
    scripts = db.session.scalars(_for_program(case).order_by(Script.id).limit(MAX_CHOICES))
    return sorted(scripts, key=_preference(case, preferred_locales(case, agent_locale)))
