"""Which script fits a case: its category (which reflects the caller's menu choice), the participant's locale
(then the program's, then English) and its program (a program's own script beats one for every program)."""

from sqlalchemy import or_, select

from helpdesk.cases.models import Case
from helpdesk.extensions import db
from helpdesk.scripts.models import Script

FALLBACK_LOCALE = "en"
MAX_CHOICES = 100


def preferred_locales(case: Case) -> list[str]:
    locales = [case.participant.locale if case.participant else None, case.program.locale, FALLBACK_LOCALE]
    return list(dict.fromkeys(locale for locale in locales if locale))


def _for_program(case: Case):
    return select(Script).where(or_(Script.program_id == case.program_id, Script.program_id.is_(None)))


def _preference(case: Case, locales: list[str]):
    def key(script: Script):
        locale_rank = locales.index(script.locale) if script.locale in locales else len(locales)
        return (script.category != case.category.value, locale_rank, script.program_id is None, script.rank,
                script.title)

    return key


def suggest_script(case: Case) -> Script | None:
    """The script an agent should start on ``case``, or None when none matches its category."""
    locales = preferred_locales(case)
    candidates = db.session.scalars(_for_program(case).where(Script.category == case.category.value,
                                                             Script.locale.in_(locales)).limit(MAX_CHOICES))
    return min(candidates, key=_preference(case, locales), default=None)


def script_choices(case: Case) -> list[Script]:
    """Scripts the agent may pick instead: the case's category first, then the preferred locales."""
    scripts = db.session.scalars(_for_program(case).order_by(Script.id).limit(MAX_CHOICES))
    return sorted(scripts, key=_preference(case, preferred_locales(case)))
