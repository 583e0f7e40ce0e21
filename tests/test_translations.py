"""The Polish and Russian catalogues are complete: every string the code and templates mark has a reviewed
(not fuzzy) translation whose placeholders match the English, and the app serves them."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import refresh

from helpdesk.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "helpdesk" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def marked_strings() -> set[str]:
    """What `make messages` extracts: every marked string of the Python sources and the templates."""
    found = set()
    sources = ((ROOT / "helpdesk", "**.py", "python"), (ROOT / "templates", "**.html", "jinja2"),
               (ROOT / "templates", "**.txt", "jinja2"))  # .txt: the e-mails' plain-text parts
    for directory, pattern, method in sources:
        for _, _, message, _, _ in extract_from_dir(directory, [(pattern, method)], keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_marked_string_has_a_reviewed_translation(language):
    translations = catalogue(language)
    missing = sorted(m for m in marked_strings() if not _translated(translations.get(m)))
    fuzzy = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in translations if m.id and m.fuzzy)
    assert not missing, f"{len(missing)} string(s) without a {language} translation (make messages): {missing[:20]}"
    assert not fuzzy, f"fuzzy {language} translations to review: {fuzzy[:20]}"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_translations_keep_the_placeholders_of_the_english(language):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue(language).check() if errors]
    assert not problems


def test_the_app_answers_in_the_language_the_browser_asks_for(app):
    for header, expected in (("pl-PL,pl;q=0.9", "Język"), ("ru", "Язык"), ("de-DE", "Language"), ("", "Language")):
        with app.test_request_context(headers={"Accept-Language": header}):
            refresh()  # the test's app context outlives each request's, and Flask-Babel keeps the locale on g
            assert render_template_string("{{ _('Language') }}") == expected


def _translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)
