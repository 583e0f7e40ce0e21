"""Logs as JSON lines, one configuration for the web app, the worker and the CLI (gunicorn's own loggers use the
same classes: ``deploy/gunicorn.conf.py``).

Each line has ``time`` (UTC), ``level``, ``logger`` and ``message``; during a request also ``request_id`` (the
client's ``X-Request-ID`` when it is a plain token, else a new one; returned in the response's header),
``endpoint``, the signed-in ``user_id`` or the API ``token_id``, and on Twilio's webhooks ``twilio_sid``. Every
request ends with one line carrying ``status`` and ``duration_ms`` (the path without its query string).

Phone numbers and e-mail addresses are masked in every record that reaches the handler, tracebacks included
(:class:`MaskPersonalData`): ``+48 601 234 567`` becomes ``<phone ***67>``, an address ``<email>``.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect

log = logging.getLogger(__name__)

# 9 to 15 digits, single separators between them, not inside a word, a time (12:30), an address and its port
# (127.0.0.1:5000 (pid)) or a longer number.
PHONE = re.compile(r"(?<![\w+])(?<!\d[:.])\+?\d(?:[ ().-]{0,2}\d){8,14}(?![\w:])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REQUEST_ID = re.compile(r"[\w.:-]{1,128}")
TWILIO_SIDS = ("CallSid", "MessageSid", "SmsSid", "RecordingSid", "TranscriptionSid")
# Probes come every few seconds: their request lines are DEBUG, everything else INFO.
QUIET_ENDPOINTS = {"operations.healthz", "operations.readyz", "operations.metrics"}
CONTEXT_FIELDS = ("request_id", "endpoint", "method", "path", "status", "duration_ms", "user_id", "token_id",
                  "twilio_sid")


def mask(text: str) -> str:
    return PHONE.sub(_masked_phone, EMAIL.sub("<email>", text))


def _masked_phone(match: re.Match) -> str:
    return f"<phone ***{re.sub(r'[^0-9]', '', match[0])[-2:]}>"


class MaskPersonalData(logging.Filter):
    """Phone numbers and e-mail addresses out of the message, its arguments and its traceback."""

    _traceback = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class RequestContext(logging.Filter):
    """The request's id, endpoint and caller on every record logged while it is served (read from what the
    request loaded already: logging never queries the database)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.endpoint = request.endpoint
            record.user_id = _identity(g.get("_login_user"))
            record.token_id = _identity(g.get("api_token"))
            if request.path.startswith("/twilio/") and request.mimetype == "application/x-www-form-urlencoded":
                record.twilio_sid = next((request.form[name] for name in TWILIO_SIDS if name in request.form), None)
        return True


def _identity(model) -> int | None:
    if model is None or not getattr(model, "is_authenticated", True):
        return None
    identity = inspect(model).identity
    return identity[0] if identity else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update((name, value) for name in CONTEXT_FIELDS if (value := getattr(record, name, None)) is not None)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestContext())
    handler.addFilter(MaskPersonalData())
    handler.setFormatter(JsonFormatter())
    return handler


def configure_logging(level: str) -> None:
    """JSON lines on stderr from the root logger, unless the host configured logging already (gunicorn's
    ``logconfig_dict`` with these classes, or pytest)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(json_handler())
        root.setLevel(level)


def _start_request():
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _finish_request(response):
    duration_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 2)
    response.headers["X-Request-ID"] = g.get("request_id") or ""
    level = logging.DEBUG if request.endpoint in QUIET_ENDPOINTS else logging.INFO
    log.log(level, "%s %s %s", request.method, request.path, response.status_code,
            extra={"method": request.method, "path": mask(request.path), "status": response.status_code,
                   "duration_ms": duration_ms})
    return response


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
