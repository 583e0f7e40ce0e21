"""API tokens: issued once in plain text, stored as SHA-256 (they are random, so no slow hash is needed)."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from helpdesk.api.models import ApiToken
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.validation import FieldErrors

TOKEN_PREFIX = "hd_"
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(name: str, program: Program | None = None) -> tuple[ApiToken, str]:
    errors = FieldErrors()
    name = errors.text("name", name, max_length=80)
    errors.raise_if_any()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, program=program, token_hash=_digest(plain))
    db.session.add(token)
    db.session.flush()
    return token, plain


def authenticate_token(plain: str) -> ApiToken | None:
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    now = utcnow()
    if token is not None and (token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION):
        token.last_used_at = now  # at most once a minute: concurrent requests do not queue on the row lock
    return token
