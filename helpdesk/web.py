"""What every page shares: ids in URLs, error pages (JSON under /api), template filters, the program-timezone clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal
from babel.units import format_unit
from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from helpdesk.database import unit_of_work, utcnow
from helpdesk.errors import Conflict, HelpdeskError, ValidationError
from helpdesk.labels import label_for
from helpdesk.panels import render_slot
from helpdesk.phones import display_phone
from helpdesk.validation import MAX_ID


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: 1 to MAX_ID, so a larger number is simply a URL that does not match (404),
    never a value that overflows the database column."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(url_map, fixed_digits, min, max, signed)


def register_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def apply_field_errors(form, error: ValidationError) -> None:
    """Show a service's field errors beside the form fields; errors for fields the form lacks go on top."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            flash(f"{name.replace('_', ' ').capitalize()}: {message}", "error")


@dataclass
class Change:
    """What a view's change came to: the service's ``result``, or the ``error`` it was refused with (nothing
    was written then)."""

    result: Any = None
    error: ValidationError | Conflict | None = None


def run_change(change: Callable[[], Any], form=None) -> Change:
    """The views' one write step: ``change()`` (the service call) in a unit of work, committed at its end.

    Validate the form and load what it needs before; render or redirect after. A refusal (ValidationError,
    Conflict) rolls the unit of work back and comes back as ``error``, its field errors shown on ``form``.
    Objects expire at the commit: what the answer needs of the result (an id, a reference), ``change`` reads
    and returns, so that nothing is loaded again after the commit.
    """
    try:
        with unit_of_work():
            return Change(result=change())
    except (ValidationError, Conflict) as exc:
        if form is not None and isinstance(exc, ValidationError):
            apply_field_errors(form, exc)
        return Change(error=exc)


def save_form(form, change):
    """A form's whole write: validate ``form``, then :func:`run_change`. Returns what ``change`` returned, or
    None when the form or the service refused the input (the reasons are shown on the form)."""
    if not form.validate_on_submit():
        return None
    done = run_change(change, form)
    if isinstance(done.error, Conflict):
        flash(_("Not saved: %(reason)s", reason=done.error.message), "error")
    return done.result


def change_and_return(change: Callable[[], Any], message: str, url: str):
    """A button's whole write (remove, retry…): ``change()`` in a unit of work, then ``message`` and back to
    ``url``. A refusal raises on to the error pages (the thing is not there, or not the user's)."""
    with unit_of_work():
        change()
    flash(message, "success")
    return redirect(url)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


ERROR_TITLES = {400: _l("Bad request"), 401: _l("Sign-in needed"), 403: _l("Not allowed"), 404: _l("Not found"),
                405: _l("Not possible here"), 409: _l("Conflict"), 413: _l("File too large"),
                422: _l("Not valid"), 429: _l("Too many attempts"), 500: _l("Something went wrong")}
# What a page says for the HTTP errors werkzeug raises (its own descriptions are English only).
ERROR_MESSAGES = {
    400: _l("The request could not be read. Go back and try again."),
    403: _l("Your role or your programs do not give access to this page."),
    404: _l("There is no such page, or it belongs to a program you do not serve."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file is larger than the upload limit."),
    429: _l("Too many attempts in a short time. Wait a little and try again."),
    500: _l("The page could not be shown. The error was logged; try again in a moment."),
}


def _error_page(status: int, message):
    return render_template("error.html", status=status, title=ERROR_TITLES.get(status, status),
                           message=message), status


def register_web_errors(app: Flask) -> None:
    @app.errorhandler(HelpdeskError)
    def helpdesk_error(exc: HelpdeskError):
        if _wants_json():
            return json_error(exc.status, exc.code, exc.message, getattr(exc, "fields", None))
        return _error_page(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            return json_error(exc.code or 500, code, exc.description or exc.name)
        return _error_page(exc.code, ERROR_MESSAGES.get(exc.code, exc.description))


def local_time(moment: datetime | None, timezone: str, fmt: str | None = None) -> str:
    """Date and time in ``timezone``, as the viewer's locale writes them (29.11.2026 14:05, 11/29/2026 2:05 PM);
    ``fmt``, a strftime format, for files that machines read."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(timezone))
    if fmt:
        return local.strftime(fmt)
    locale = get_locale()
    return f"{format_skeleton('yMd', local, tzinfo=local.tzinfo, locale=locale)} " \
           f"{format_time(local, 'short', tzinfo=local.tzinfo, locale=locale)}"


def local_date(moment: datetime | None, timezone: str) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(timezone))
    return format_skeleton("yMd", local, tzinfo=local.tzinfo, locale=get_locale())


def local_day(day: date | str | None) -> str:
    """A calendar date (no time, no timezone; or its ISO form, as timeline data keeps it) as the viewer's locale
    writes it."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return "" if day is None else format_skeleton("yMd", day, locale=get_locale())


def number(value: int | float | None, digits: int | None = None) -> str:
    """29 990 in Polish, 29,990 in English; ``digits``: that many decimals (4,86)."""
    if value is None:
        return ""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=get_locale())


def duration(minutes: int) -> str:
    """'2 godz. 15 min', '3 дн. 4 ч': the two largest units, in the viewer's language."""
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (mins, "minute")] if hours else [
        (mins, "minute")]
    locale = get_locale()
    return " ".join(format_unit(value, f"duration-{unit}", length="short", locale=locale)
                    for value, unit in parts if value or len(parts) == 1)


def time_left(due: datetime | None, now: datetime | None = None) -> str:
    """'2 hr 5 min left' or 'overdue 3 days 4 hr': the agent's view of an SLA deadline."""
    if due is None:
        return ""
    seconds = int((due - (now or utcnow())).total_seconds())
    span = duration(abs(seconds) // 60)
    return _("%(span)s left", span=span) if seconds >= 0 else _("overdue %(span)s", span=span)


def register_filters(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_filter(local_date)
    app.add_template_filter(local_day)
    app.add_template_filter(number)
    app.add_template_filter(duration)
    app.add_template_filter(time_left)
    app.add_template_filter(display_phone, "phone")
    app.add_template_global(utcnow)
    app.add_template_global(label_for)
    app.add_template_global(render_slot)
