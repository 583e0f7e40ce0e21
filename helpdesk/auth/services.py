"""Staff users: creation and changes. Signing in is in :mod:`helpdesk.auth.signin`."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.auth.models import Role, User
from helpdesk.auth.passwords import hash_password, password_problem
from helpdesk.extensions import db
from helpdesk.phones import normalize_phone
from helpdesk.programs.models import Program
from helpdesk.validation import FieldErrors

AUDITED = ("name", "role", "active", "programs")


def create_user(*, email, name, role, password, programs: list[Program] = (), actor,
                phone: str | None = None) -> User:
    errors = FieldErrors()
    email = errors.text("email", email, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                        pattern_message="is not an email address")
    name = errors.text("name", name, max_length=120)
    role = errors.choice("role", role, Role)
    if problem := password_problem(password):
        errors.add("password", problem)
    phone = _phone(phone, errors)
    if email and db.session.scalar(select(User.id).where(User.email == email.lower())):
        errors.add("email", "is already used by another user")
    errors.raise_if_any()
    user = User(email=email.lower(), name=name, role=role, programs=list(programs), phone=phone,
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record("user.created", actor=actor, target=user,
           changes=changes_between(dict.fromkeys(AUDITED), _audited(user)) | {"email": [None, user.email]})
    return user


def update_user(user: User, *, name, role, active: bool, programs: list[Program], password: str | None,
                actor: User, phone: str | None = None) -> User:
    """A new password, another role or deactivation also ends every session the user has."""
    errors = FieldErrors()
    name = errors.text("name", name, max_length=120)
    role = errors.choice("role", role, Role)
    if password and (problem := password_problem(password)):
        errors.add("password", problem)
    phone = _phone(phone, errors)
    if user.id == actor.id and (not active or role != Role.ADMIN):
        errors.add("role", "you cannot demote or deactivate yourself")
    errors.raise_if_any()
    before = _audited(user)
    if password or role != user.role or (user.active and not active):
        user.end_sessions()
    user.name, user.role, user.active, user.programs, user.phone = name, role, active, list(programs), phone
    if password:
        user.password_hash = hash_password(password)
    db.session.flush()
    changes = changes_between(before, _audited(user)) | ({"password": ["…", "(new)"]} if password else {})
    if changes:
        record("user.changed", actor=actor, target=user, changes=changes)
    return user


def _audited(user: User) -> dict:
    return snapshot(user, AUDITED) | {"programs": [p.code for p in user.programs]}


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).options(selectinload(User.programs))
                                   .order_by(User.active.desc(), User.name)))


def _phone(raw: str | None, errors: FieldErrors) -> str | None:
    """The agent's phone as E.164 (with its international prefix), or None when left empty."""
    if not (raw or "").strip():
        return None
    return errors.check("phone", lambda: normalize_phone(raw))
