"""Twilio's request signatures: every webhook is checked, and the simulator signs its own requests."""

from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

DEVELOPMENT_TOKEN = "development-auth-token"


def auth_token() -> str | None:
    """The token requests are signed with; a development machine without an account gets a fixed one."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token and current_app.config.get("DEVELOPMENT"):
        return DEVELOPMENT_TOKEN
    return token


def signed_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + path and query behind a proxy, else what we received."""
    public = current_app.config.get("PUBLIC_BASE_URL")
    if not public:
        return request.url
    query = request.query_string.decode()
    return public.rstrip("/") + request.path + (f"?{query}" if query else "")


def sign(url: str, params: dict) -> str:
    return RequestValidator(auth_token()).compute_signature(url, params)


def twilio_signed(view):
    """403 for a missing, wrong or tampered ``X-Twilio-Signature``; nothing runs and nothing is stored."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = auth_token()
        signature = request.headers.get("X-Twilio-Signature", "")
        if not token or not RequestValidator(token).validate(signed_url(), request.form, signature):
            abort(403, "invalid Twilio signature")
        return view(*args, **kwargs)

    return wrapped
