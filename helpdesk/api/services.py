"""API tokens: issued once in plain text, stored as SHA-256 (they are random, so no slow hash is needed)."""

import hashlib
import secrets

from sqlalchemy import select

from helpdesk.api.models import ApiToken
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.validation import FieldErrors

TOKEN_PREFIX = "hd_"


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
    if token is not None:
        token.last_used_at = utcnow()
    return token
