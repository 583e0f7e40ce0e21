"""API tokens: issued once in plain text, stored as SHA-256 (they are random, so no slow hash is needed).

A token works until it expires (a year after it is issued unless said otherwise) or is revoked; from that moment
it is refused like a token that never existed. Managers issue, list and revoke the tokens of their programs;
only admins those that see every program.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from helpdesk.actors import Actor, can_access
from helpdesk.api.models import ApiToken
from helpdesk.audit.services import record
from helpdesk.database import lock_row, utcnow
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.validation import FieldErrors

TOKEN_PREFIX = "hd_"
LAST_USED_PRECISION = timedelta(minutes=1)
DEFAULT_LIFETIME_DAYS = 365
MAX_LIFETIME_DAYS = 3 * 365


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(name: str, program: Program | None = None, *, expires_in_days=DEFAULT_LIFETIME_DAYS,
                     actor: Actor) -> tuple[ApiToken, str]:
    """A new token and its plain text, which is shown once and never stored."""
    errors = FieldErrors()
    name = errors.text("name", name, max_length=80)
    if program is None and actor.visible_program_ids() is not None:
        errors.add("program", "is required: a token may only see programs you serve")
    elif program is not None and not can_access(actor, program.id):
        errors.add("program", "is not a program you serve")
    days = errors.check("expires_in_days", lambda: _lifetime(expires_in_days))
    errors.raise_if_any()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(name=name, program=program, token_hash=_digest(plain), created_at=now,
                     expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record("api_token.created", actor=actor, target=token, program=program,
           details={"name": name, "program": program.code if program else "all", "expires_in_days": days})
    return token, plain


def _lifetime(days) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ValueError(f"must be a whole number of days from 1 to {MAX_LIFETIME_DAYS}")
    return days


def list_api_tokens(*, actor: Actor) -> list[ApiToken]:
    """The tokens the actor may manage, newest first: a manager's are those of their programs."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(ApiToken.program_id.in_(visible))
    return list(db.session.scalars(query))


def revoke_api_token(token_id: int, *, actor: Actor) -> ApiToken:
    """Revoke the token at once (revoking it again changes nothing); one the actor may not manage is a 404."""
    token = lock_row(ApiToken, ApiToken.id == token_id)
    visible = actor.visible_program_ids()
    if token is None or not (visible is None or token.program_id in visible):
        raise NotFound(f"no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record("api_token.revoked", actor=actor, target=token, details={"name": token.name})
    return token


def authenticate_token(plain: str) -> ApiToken | None:
    """The token named, if it exists, is not revoked and has not expired; else None."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain),
                                                    ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow()))


def last_use_is_stale(token: ApiToken, now: datetime) -> bool:
    """Whether the token's last use is worth writing: at most once a minute, so reads do not write."""
    return token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION


def record_token_use(token: ApiToken, now: datetime) -> None:
    """Stamp the token's last use, unless a concurrent request just did."""
    db.session.execute(update(ApiToken).where(
        ApiToken.id == token.id,
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_PRECISION),
    ).values(last_used_at=now).execution_options(synchronize_session=False))
