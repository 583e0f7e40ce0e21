"""Reading API requests: the JSON body checked against the fields an endpoint accepts, and query arguments.

A body that is not JSON, not an object, or has a value of the wrong JSON type is a 400; a key the endpoint
does not know is a 422 (so a typo such as ``"priorty"`` is not silently ignored). Values are checked by
the services, which report every bad field at once as a 422.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager

from flask import request

from helpdesk.errors import HelpdeskError, ValidationError
from helpdesk.pagination import decode_cursor
from helpdesk.validation import FieldErrors

# The JSON type each kind of field must have, and how to say so.
JSON_TYPES = {
    str: ("string", lambda v: isinstance(v, str)),
    int: ("integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    bool: ("boolean", lambda v: isinstance(v, bool)),
}


class BadRequest(HelpdeskError):
    """The request cannot be read at all (400): broken JSON, a body that is not an object, wrong JSON types."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.fields = fields or {}


def wrong_json_types(body: dict, accepted: dict[str, type]) -> dict[str, str]:
    """Known fields whose value has the wrong JSON type, each with what it must be (``null`` always fits)."""
    wrong = {}
    for name, value in body.items():
        if name in accepted and value is not None:
            type_name, fits = JSON_TYPES[accepted[name]]
            if not fits(value):
                wrong[name] = f"must be a JSON {type_name}"
    return wrong


def json_body(accepted: dict[str, type]) -> dict:
    """The request's JSON object, holding only keys from ``accepted`` (field name -> str, int or bool).

    ``null`` is allowed for every field and means "not given"; a service then decides whether it was required.
    """
    try:
        body = json.loads(request.get_data(), parse_constant=_not_json)
    except (ValueError, RecursionError):  # ValueError covers broken JSON and bytes that are not UTF-8
        raise BadRequest("malformed_json", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("body_not_object", "the request body must be a JSON object")
    wrong = wrong_json_types(body, accepted)
    if wrong:
        raise BadRequest("wrong_type", "some fields have the wrong JSON type", wrong)
    unknown = sorted(set(body) - set(accepted))
    if unknown:
        raise ValidationError({name[:64]: "is not a field of this request" for name in unknown})
    return body


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")  # Python's json module would accept NaN and Infinity


def checked_text(name: str, value, *, max_length: int, required: bool = True) -> str | None:
    """``value`` stripped, or a 422 naming ``name`` if it is missing (when required), too long or has a NUL byte.

    Use it before a value reaches a query: PostgreSQL refuses NUL bytes outright.
    """
    errors = FieldErrors()
    value = errors.text(name, value, max_length=max_length, required=required)
    errors.raise_if_any()
    return value or None


def query_text(name: str, *, max_length: int) -> str | None:
    """A query argument as checked text; None when absent or empty."""
    return checked_text(name, request.args.get(name), max_length=max_length, required=False)


def query_cursor(types: list[type]) -> str | None:
    """``?cursor=`` from a previous page, decoded once here so that a forged one holding a number no database
    column can hold is a 422 naming ``cursor`` rather than an overflow deep in the driver."""
    cursor = query_text("cursor", max_length=500)
    if cursor:
        _, values = decode_cursor(cursor, types)
        if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in values):
            raise ValidationError("cursor", "is not a valid page cursor")
    return cursor


def query_limit(default: int, maximum: int) -> int:
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= maximum):
        raise ValidationError("limit", f"must be a whole number from 1 to {maximum}")
    return int(raw)


@contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's names (e.g. ``assignee`` -> ``assignee_email``)."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError({names.get(k, k): v for k, v in exc.fields.items()}) from None
