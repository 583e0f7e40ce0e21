"""The staff UI's languages: Flask-Babel, English the source language, catalogues in helpdesk/translations.

Mark strings with `flask_babel.gettext as _`, or `lazy_gettext as _l` where they are defined at import time
(form labels, enum labels); templates use `_()` from Flask-Babel's Jinja extension.
"""

from flask import Flask, has_request_context, request
from flask_babel import Babel

LANGUAGES = ("en", "pl", "ru")
babel = Babel()


def select_locale() -> str:
    """The request's language; outside a request (the CLI, the worker) the source language."""
    if not has_request_context():
        return LANGUAGES[0]
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
