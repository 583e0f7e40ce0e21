"""API tokens: issued once in plain text, stored as SHA-256 (they are random, so no slow hash is needed)."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from helpdesk.api.models import ApiToken
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
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain)))


def last_use_is_stale(token: ApiToken, now: datetime) -> bool:
    """Whether the token's last use is worth writing: at most once a minute, so reads do not write."""
    return token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION


def record_token_use(token: ApiToken, now: datetime) -> None:
    """Stamp the token's last use, unless a concurrent request just did."""
    db.session.execute(update(ApiToken).where(
        ApiToken.id == token.id,
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_PRECISION),
    ).values(last_used_at=now).execution_options(synchronize_session=False))
