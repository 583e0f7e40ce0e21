"""The staff UI's languages: Flask-Babel, English the source language, catalogues in helpdesk/translations.

Mark strings with `flask_babel.gettext as _`, or `lazy_gettext as _l` where they are defined at import time
(form labels, enum labels); templates use `_()` from Flask-Babel's Jinja extension. The language is the
signed-in user's choice, else the browser's (`Accept-Language`), else English.
"""

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

LANGUAGES = {"en": "English", "pl": "Polski", "ru": "Русский"}  # each language's name in itself
babel = Babel()


def select_locale() -> str:
    if not has_request_context():  # the CLI and the worker choose with flask_babel.force_locale
        return "en"
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language)


def current_language() -> str:
    return str(get_locale() or "en")
