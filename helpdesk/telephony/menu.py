"""Each program's phone menu: the keys callers press after the greeting, the words they hear for each in their
language, and what each does.

A program without stored options has the standard menu (1 reward delivery, 2 points and account, 0 anything
else). Its first change stores the standard options along with it, so that managers change the menu callers hear;
removing every option brings the standard menu back.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.cases.categories import resolve_category
from helpdesk.cases.models import Category
from helpdesk.database import lock_row
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import LOCALES, Program
from helpdesk.telephony.models import MenuAction, PhoneMenuOption
from helpdesk.telephony.texts import greeting, option_text
from helpdesk.validation import FieldErrors

MAX_OPTIONS = 9
MAX_SPOKEN = 300  # characters of one option's words: read out, a longer one loses the caller
KEY_ORDER = "1234567890"  # the keys, in the order new options take when given no place (0 last)
STANDARD = (("1", MenuAction.CASE_CATEGORY, Category.REWARD_DELIVERY),
            ("2", MenuAction.CASE_CATEGORY, Category.POINTS),
            ("0", MenuAction.CASE_CATEGORY, Category.OTHER))
FIELDS = ("digit", "action", "category", "custom_category_id", "texts", "position")


def standard_menu() -> list[PhoneMenuOption]:
    """The standard options, unsaved: said in each language's standard words."""
    return [PhoneMenuOption(digit=digit, action=action, category=category, texts={}, position=position)
            for position, (digit, action, category) in enumerate(STANDARD, start=1)]


def phone_menu(program_id: int) -> list[PhoneMenuOption]:
    """The program's options in the order callers hear them (one indexed read)."""
    stored = db.session.scalars(select(PhoneMenuOption).where(PhoneMenuOption.program_id == program_id)
                                .order_by(PhoneMenuOption.position, PhoneMenuOption.id))
    return list(stored) or standard_menu()


def menu_option(program_id: int, digit: str) -> PhoneMenuOption:
    """What pressing ``digit`` does: its option, or, for another key or none, talking to an agent (Other)."""
    found = next((option for option in phone_menu(program_id) if option.digit == digit), None)
    return found or PhoneMenuOption(digit=digit, action=MenuAction.AGENT, category=Category.OTHER, texts={})


def spoken(option: PhoneMenuOption, locale: str) -> str:
    """The option's words in ``locale``: the program's own, else :func:`unwritten`."""
    locale = locale if locale in LOCALES else "en"
    return (option.texts or {}).get(locale) or unwritten(option, locale)


def unwritten(option: PhoneMenuOption, locale: str) -> str:
    """What callers of ``locale`` hear while the program wrote nothing in it: the standard words for the option's
    category (or action), else its English ones (always for a category of the program's own)."""
    if option.custom_category_id and option.action != MenuAction.AGENT:
        return option.texts["en"]
    key = option.category.value if option.action == MenuAction.CASE_CATEGORY else option.action.value
    return option_text(locale, key, option.digit) or option.texts["en"]


def menu_words(options: list[PhoneMenuOption], locale: str) -> str:
    return " ".join(spoken(option, locale) for option in options)


def what_callers_hear(program: Program, options: list[PhoneMenuOption]) -> dict[str, str]:
    """The greeting and the menu, in each language."""
    return {locale: f"{greeting(program.name, program.greetings, locale)} {menu_words(options, locale)}"
            for locale in LOCALES}


def save_menu_option(program: Program, digit: str | None, *, new_digit, action, category, texts: dict,
                     position=None, actor: Actor) -> PhoneMenuOption:
    """Add an option (``digit`` None) or change the one of key ``digit``. ``texts`` maps locales to words (English
    required; empty: the standard words); ``position`` (1 = first; None: where its key sorts, or where it was)."""
    options, current = _menu_for_change(program, digit, actor)
    others = [option for option in options if option is not current]
    errors = FieldErrors()
    new_digit = errors.check("digit", lambda: _digit(new_digit))
    action = errors.choice("action", action, MenuAction)
    chosen = (Category.OTHER, None) if action == MenuAction.AGENT else errors.check(
        "category", lambda: resolve_category(program, category))
    words = {locale: errors.text(f"text_{locale}", texts.get(locale), max_length=MAX_SPOKEN,
                                 required=locale == "en") for locale in LOCALES}
    place = errors.check("position", lambda: _position(position, len(others) + 1))
    if new_digit is not None and any(option.digit == new_digit for option in others):
        errors.add("digit", _("is already an option of this menu"))
    if current is None and len(options) >= MAX_OPTIONS:
        errors.add("digit", _("the menu has %(count)d options already: remove one first", count=MAX_OPTIONS))
    errors.raise_if_any()
    before = snapshot(current, FIELDS) if current is not None else None
    option = current or PhoneMenuOption(program_id=program.id)
    option.digit, option.action, option.category = new_digit, action, chosen[0]
    option.custom_category_id = chosen[1].id if chosen[1] is not None else None
    option.texts = {locale: text for locale, text in words.items() if text}
    if place is None:
        place = options.index(current) + 1 if current is not None else _place_by_key(others, new_digit)
    _store(program, [*others[:place - 1], option, *others[place - 1:]])
    if before is None:
        record("program.phone_menu_option_added", actor=actor, target=program, program=program,
               details=snapshot(option, FIELDS))
    elif changes := changes_between(before, snapshot(option, FIELDS)):
        record("program.phone_menu_option_changed", actor=actor, target=program, program=program,
               changes=changes, details={"digit": option.digit})
    return option


def remove_menu_option(program: Program, digit: str, *, actor: Actor) -> PhoneMenuOption:
    options, option = _menu_for_change(program, digit, actor)
    if option.id is not None:
        db.session.delete(option)
    _store(program, [other for other in options if other is not option])
    record("program.phone_menu_option_removed", actor=actor, target=program, program=program,
           details=snapshot(option, FIELDS))
    return option


def _menu_for_change(program: Program, digit: str | None, actor: Actor):
    """The program's menu, its row locked so that changes of one menu follow one another, and the option of key
    ``digit`` (None: a new one); a key not in it is missing."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    lock_row(Program, Program.id == program.id)
    options = phone_menu(program.id)
    current = next((option for option in options if option.digit == digit), None)
    if digit is not None and current is None:
        raise NotFound(f"no phone menu option {digit!r}")
    return options, current


def _store(program: Program, options: list[PhoneMenuOption]) -> None:
    """Save ``options`` as the menu in this order; the standard ones, unsaved until now, with their English words
    (every stored option has them)."""
    for position, option in enumerate(options, start=1):
        if option.id is None:
            option.program_id = program.id
            option.texts = option.texts or {"en": spoken(option, "en")}
            db.session.add(option)
        option.position = position
    db.session.flush()


def _digit(value) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) != 1 or text not in KEY_ORDER:
        raise ValueError(_("must be one key from 0 to 9"))
    return text


def _position(value, last: int) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= last:
        raise ValueError(_("must be a place from 1 to %(last)d", last=last))
    return value


def _place_by_key(options: list[PhoneMenuOption], digit: str) -> int:
    """1-based place before the first option whose key sorts after ``digit`` (0 sorts last)."""
    after = (index for index, option in enumerate(options, start=1)
             if KEY_ORDER.index(option.digit) > KEY_ORDER.index(digit))
    return next(after, len(options) + 1)
