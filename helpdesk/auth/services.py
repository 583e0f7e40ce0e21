"""Staff users: creation and password check."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.validation import FieldErrors

MIN_PASSWORD = 8


def create_user(*, email, name, role, password, programs: list[Program] = ()) -> User:
    errors = FieldErrors()
    email = errors.text("email", email, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                        pattern_message="is not an email address")
    name = errors.text("name", name, max_length=120)
    role = errors.choice("role", role, Role)
    if not password or len(password) < MIN_PASSWORD:
        errors.add("password", f"must have at least {MIN_PASSWORD} characters")
    if email and db.session.scalar(select(User.id).where(User.email == email.lower())):
        errors.add("email", "is already used by another user")
    errors.raise_if_any()
    user = User(email=email.lower(), name=name, role=role, programs=list(programs))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (the same answer for every kind of failure)."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def update_user(user: User, *, name, role, active: bool, programs: list[Program], password: str | None,
                actor: User) -> User:
    errors = FieldErrors()
    name = errors.text("name", name, max_length=120)
    role = errors.choice("role", role, Role)
    if password and len(password) < MIN_PASSWORD:
        errors.add("password", f"must have at least {MIN_PASSWORD} characters")
    if user.id == actor.id and (not active or role != Role.ADMIN):
        errors.add("role", "you cannot demote or deactivate yourself")
    errors.raise_if_any()
    user.name, user.role, user.active, user.programs = name, role, active, list(programs)
    if password:
        user.set_password(password)
    db.session.flush()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).options(selectinload(User.programs))
                                   .order_by(User.active.desc(), User.name)))
