"""Each program's case categories: the built-in ones (which it may rename or retire) and its own, each of its own
reported as a built-in one. Cases keep the built-in meaning in ``cases.category`` (reports, SLA, scripts) and the
program's own category, if any, in ``cases.custom_category_id``.

A category is named by a *value*: the built-in's (``"points"``) or ``"custom:<id>"``. Forms offer
:func:`category_choices`; :func:`resolve_category` turns a value back into what a case stores.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import record
from helpdesk.cases.models import CaseCategory, Category
from helpdesk.database import lock_row
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES, Program
from helpdesk.validation import FieldErrors, parse_id

MAX_NAME = 60
CUSTOM = "custom:"


def program_categories(program: Program) -> list[CaseCategory]:
    """Every category of the program, retired ones too: the built-in ones in their order (those it never changed
    as unsaved rows), then its own in the order they were added."""
    rows = db.session.scalars(select(CaseCategory).where(CaseCategory.program_id == program.id)
                              .order_by(CaseCategory.position, CaseCategory.id)).all()
    changed = {row.reported_as: row for row in rows if row.builtin}
    builtins = [changed.get(c) or CaseCategory(program_id=program.id, reported_as=c, builtin=True, retired=False)
                for c in Category]
    return builtins + [row for row in rows if not row.builtin]


def category_choices(program: Program, language: str | None = None, *, current: str | None = None):
    """``(value, name)`` of the program's active categories, names in ``language`` (default: the viewer's);
    ``current``, a case's value, stays among them even when retired."""
    return [(row.value, row.name_in(language)) for row in program_categories(program)
            if not row.retired or row.value == current]


def resolve_category(program: Program, value) -> tuple[Category, CaseCategory | None]:
    """What a case stores for a category value: the built-in category, and the program's own one or None.
    A ValueError (for a field message) when ``value`` names no category of the program."""
    if value is None or value == "":
        raise ValueError(_("is required"))
    if isinstance(value, str) and value.startswith(CUSTOM):
        custom_id = parse_id(value.removeprefix(CUSTOM))
        row = db.session.get(CaseCategory, custom_id) if custom_id else None
        if row is None or row.program_id != program.id or row.builtin:
            raise ValueError(_("is not a category of this program"))
        return row.reported_as, row
    try:
        return Category(value), None
    except ValueError:
        raise ValueError(_("is not a category of this program")) from None


def category_name(program_id: int, category: str | None, custom_category_id: int | None = None) -> str:
    """A category kept in timeline data (the built-in value, and the program's own category's id if any), as
    staff see it now, in their language."""
    if not category:
        return ""
    row = db.session.get(CaseCategory, custom_category_id) if custom_category_id else db.session.scalar(
        select(CaseCategory).where(CaseCategory.program_id == program_id, CaseCategory.builtin.is_(True),
                                   CaseCategory.reported_as == category))
    if row is not None:
        return row.name
    try:
        return str(Category(category).label)
    except ValueError:
        return category


def add_category(program: Program, *, names: dict, reported_as, actor: Actor) -> CaseCategory:
    """A category of the program's own, ``names`` by language (English required), reported as ``reported_as``."""
    _check_access(program, actor)
    errors = FieldErrors()
    reported = errors.choice("reported_as", reported_as, Category)
    row = CaseCategory(program_id=program.id, reported_as=reported, builtin=False, retired=False)
    lock_row(Program, Program.id == program.id)
    _set_names(program, row, names, errors)
    row.position = (db.session.scalar(select(func.max(CaseCategory.position))
                                      .where(CaseCategory.program_id == program.id)) or 0) + 1
    db.session.add(row)
    db.session.flush()
    record("program.category_added", actor=actor, target=program, program=program, details=_details(row))
    return row


def rename_category(program: Program, value: str, *, names: dict, actor: Actor) -> CaseCategory:
    """New names for one of the program's categories; for a built-in one, empty names give its own back."""
    row = _category(program, value, actor)
    old = _details(row)
    _set_names(program, row, names, FieldErrors())
    db.session.add(row)
    db.session.flush()
    record("program.category_renamed", actor=actor, target=program, program=program,
           details={**_details(row), "old_names": old["names"]})
    return row


def set_category_retired(program: Program, value: str, *, retired: bool, actor: Actor) -> CaseCategory:
    """Retired: no longer offered when opening or changing a case; the cases in it keep it."""
    row = _category(program, value, actor)
    row.retired = retired
    db.session.add(row)
    db.session.flush()
    record("program.category_retired" if retired else "program.category_restored", actor=actor, target=program,
           program=program, details=_details(row))
    return row


def _check_access(program: Program, actor: Actor) -> None:
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")


def _category(program: Program, value: str, actor: Actor) -> CaseCategory:
    """The program's category named ``value``, locked (a built-in one never changed: a new row)."""
    _check_access(program, actor)
    lock_row(Program, Program.id == program.id)
    row = next((row for row in program_categories(program) if row.value == value), None)
    if row is None:
        raise NotFound(_("%(program)s has no category %(category)s", program=program.code, category=value))
    return row


def _set_names(program: Program, row: CaseCategory, names: dict, errors: FieldErrors) -> None:
    """Check and set ``row``'s names: each at most MAX_NAME characters, English required for the program's own,
    and in no language the name another category of the program shows (compared case-insensitively)."""
    cleaned = {lang: errors.text(f"name_{lang}", names.get(lang), max_length=MAX_NAME,
                                 required=lang == "en" and not row.builtin) for lang in LOCALES}
    errors.raise_if_any()
    others = [other for other in program_categories(program) if other.value != row.value]
    row.name_en, row.name_pl, row.name_ru = cleaned["en"], cleaned["pl"], cleaned["ru"]
    for lang in LOCALES:
        taken = {other.name_in(lang).casefold() for other in others}
        if row.name_in(lang).casefold() in taken:
            errors.add(f"name_{lang}" if cleaned[lang] or row.builtin else "name_en",
                       _("another category is already called %(name)s", name=row.name_in(lang)))
    errors.raise_if_any()


def _details(row: CaseCategory) -> dict:
    return {"category": row.value, "reported_as": row.reported_as.value,
            "names": {lang: getattr(row, f"name_{lang}") for lang in LOCALES}}
