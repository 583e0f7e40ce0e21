"""Bearer-token authentication for API v1: every request names its token, which becomes the acting ``actor``."""

from flask import Blueprint, g, request

from helpdesk.api.models import ApiToken
from helpdesk.api.services import authenticate_token, last_use_is_stale, record_token_use
from helpdesk.database import unit_of_work, utcnow
from helpdesk.web import json_error

REALM = 'Bearer realm="helpdesk-api"'
PREFIX = "/api/v1"


def token_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint of API v1 routes, each of which needs a token."""
    bp = Blueprint(name, import_name, url_prefix=PREFIX)
    bp.before_request(require_token)
    return bp


def require_token():
    """``before_request`` hook: answer 401 unless ``Authorization: Bearer <token>`` names a known token."""
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return _unauthorized("missing_token", "send the header Authorization: Bearer <token>", REALM)
    token = authenticate_token(plain.strip())
    if token is None:
        return _unauthorized("invalid_token", "the API token is not valid", f'{REALM}, error="invalid_token"')
    now = utcnow()
    if last_use_is_stale(token, now):
        with unit_of_work():  # its own short write, at most once a minute per token
            record_token_use(token, now)
    g.api_token = token
    return None


def current_actor() -> ApiToken:
    """The token of the request being served; services take it as ``actor``."""
    return g.api_token


def _unauthorized(code: str, message: str, challenge: str):
    body, status = json_error(401, code, message)
    body.headers["WWW-Authenticate"] = challenge
    return body, status
