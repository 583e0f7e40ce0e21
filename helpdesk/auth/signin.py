"""Signing in, protected against guessing: the counters live in the database, so every worker process and
machine shares them.

After 5 failed sign-ins for one account (the e-mail as typed, whether or not such an account exists) or 20
from one client address within a 15-minute window, every attempt for that account or from that address is
refused for 15 minutes, even with the right password. Every attempt is kept as a :class:`SignInEvent`
(success, failure, refused, lock-out) for the audit log.

A sign-in takes two steps, so that hashing the password (tens of milliseconds, by design) holds no write lock:
:func:`check_credentials` reads and hashes; :func:`record_attempt`, in the caller's unit of work, locks the
two counters, decides and records. It checks the lock-out again under the lock, so a right password tried
while concurrent failures locked the account is refused as well.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from helpdesk.audit.services import record
from helpdesk.auth.models import SignInEvent, SignInEventKind, SignInThrottle, User
from helpdesk.auth.passwords import check_password, hash_password, is_outdated
from helpdesk.database import insert_or_ignore, lock_row, utcnow
from helpdesk.extensions import db

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
WRONG = "Wrong email or password."
AUDIT_ACTIONS = {SignInEventKind.SUCCESS: "auth.signed_in", SignInEventKind.FAILURE: "auth.sign_in_failed",
                 SignInEventKind.REFUSED: "auth.sign_in_refused", SignInEventKind.ACCOUNT_LOCKED: "auth.locked_out",
                 SignInEventKind.ADDRESS_LOCKED: "auth.locked_out"}
LOCKS = (SignInEventKind.ACCOUNT_LOCKED, SignInEventKind.ADDRESS_LOCKED)


@dataclass(frozen=True)
class Attempt:
    email: str
    address: str
    user: User | None  # the account with this e-mail, if there is one
    accepted: bool  # the right password for an active account
    locked_until: datetime | None = None  # locked out when read: no password was checked
    new_hash: str | None = None  # the password hashed the current way, when the stored hash is outdated


@dataclass(frozen=True)
class Outcome:
    user: User | None  # signed in, or None and why not
    message: str | None = None


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email}", f"address:{address}"


def check_credentials(email: str | None, password: str | None, *, address: str | None,
                      now: datetime | None = None) -> Attempt:
    """Read-only: is the account or address locked out, and if not, is the password right. An unknown e-mail
    and an inactive account cost one password hash, like a known one."""
    email, address, password = (email or "").strip().lower()[:254], (address or "unknown")[:45], password or ""
    now = now or utcnow()
    user = db.session.scalar(select(User).where(User.email == email))
    locked_until = db.session.scalar(select(func.max(SignInThrottle.locked_until))
                                     .where(SignInThrottle.key.in_(_keys(email, address))))
    if locked_until is not None and locked_until > now:
        return Attempt(email, address, user, accepted=False, locked_until=locked_until)
    right = check_password(user.password_hash if user else None, password)
    new_hash = hash_password(password) if right and is_outdated(user.password_hash) else None
    return Attempt(email, address, user, accepted=right and user.active, new_hash=new_hash)


def record_attempt(attempt: Attempt, *, now: datetime | None = None) -> Outcome:
    """Count and record ``attempt``; inside a unit of work (it locks the account's and the address's counters)."""
    now = now or utcnow()
    account, address = (_locked_throttle(key, now) for key in _keys(attempt.email, attempt.address))
    locked_until = max((t for t in (attempt.locked_until, account.locked_until, address.locked_until) if t),
                       default=None)
    if attempt.locked_until or (locked_until and locked_until > now):
        _record(attempt, SignInEventKind.REFUSED, now)
        return Outcome(None, _refusal(locked_until, now))
    if attempt.accepted:
        account.failures, account.window_started_at = 0, now
        if attempt.new_hash:
            attempt.user.password_hash = attempt.new_hash
        _record(attempt, SignInEventKind.SUCCESS, now)
        return Outcome(attempt.user)
    _record(attempt, SignInEventKind.FAILURE, now)
    locked = False
    for throttle, limit, lock_kind in ((account, ACCOUNT_LIMIT, SignInEventKind.ACCOUNT_LOCKED),
                                       (address, ADDRESS_LIMIT, SignInEventKind.ADDRESS_LOCKED)):
        if _count_failure(throttle, limit, now):
            _record(attempt, lock_kind, now)
            locked = True
    return Outcome(None, _refusal(now + LOCKOUT, now) if locked else WRONG)


def _locked_throttle(key: str, now: datetime) -> SignInThrottle:
    db.session.execute(insert_or_ignore(SignInThrottle, SignInThrottle.key)
                       .values(key=key, failures=0, window_started_at=now))
    return lock_row(SignInThrottle, SignInThrottle.key == key)


def _count_failure(throttle: SignInThrottle, limit: int, now: datetime) -> bool:
    """One more failure in the throttle's window (a new window once it is over); True if it locks now."""
    if throttle.window_started_at <= now - WINDOW:
        throttle.failures, throttle.window_started_at = 0, now
    throttle.failures += 1
    if throttle.failures < limit:
        return False
    throttle.failures, throttle.window_started_at, throttle.locked_until = 0, now, now + LOCKOUT
    return True


def _record(attempt: Attempt, kind: SignInEventKind, now: datetime) -> None:
    db.session.add(SignInEvent(occurred_at=now, kind=kind, email=attempt.email, address=attempt.address,
                               user_id=attempt.user.id if attempt.user else None))
    record(AUDIT_ACTIONS[kind], actor=attempt.user if kind == SignInEventKind.SUCCESS else None,
           actor_name=attempt.email or "(no e-mail)", target=attempt.user or ("user", None),
           details={"lock": kind.value} if kind in LOCKS else None)


def _refusal(locked_until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
    return f"Too many failed sign-ins: signing in is blocked for {minutes} more minute{'s' if minutes > 1 else ''}."
