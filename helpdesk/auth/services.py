"""Staff users: creation and changes. Signing in is in :mod:`helpdesk.auth.signin`.

Admins manage everyone. A manager invites, changes and deactivates the agents of the programs they serve: only
agents, only with those programs, and only agents who serve no other program.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.auth.models import Role, User
from helpdesk.auth.passwords import hash_password, password_problem
from helpdesk.errors import Forbidden, NotFound
from helpdesk.extensions import db
from helpdesk.phones import normalize_phone
from helpdesk.programs.models import Program
from helpdesk.validation import FieldErrors

AUDITED = ("name", "role", "active", "programs")


def create_user(*, email, name, role, password, programs: list[Program] = (), actor,
                phone: str | None = None) -> User:
    errors = FieldErrors()
    email = errors.text("email", email, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                        pattern_message=_("is not an email address"))
    name = errors.text("name", name, max_length=120)
    role = errors.choice("role", role, Role)
    if problem := password_problem(password):
        errors.add("password", problem)
    phone = _phone(phone, errors)
    if email and db.session.scalar(select(User.id).where(User.email == email.lower())):
        errors.add("email", _("is already used by another user"))
    _check_assignment(errors, role, programs, actor)
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
    check_may_manage(user, actor=actor)
    errors = FieldErrors()
    name = errors.text("name", name, max_length=120)
    role = errors.choice("role", role, Role)
    if password and (problem := password_problem(password)):
        errors.add("password", problem)
    phone = _phone(phone, errors)
    if user.id == actor.id and (not active or role != Role.ADMIN):
        errors.add("role", _("you cannot demote or deactivate yourself"))
    _check_assignment(errors, role, programs, actor)
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


def check_may_manage(user: User, *, actor) -> None:
    """Refuse a manager a user who is not one of their agents: a user of none of their programs is missing to
    them (404); a manager, an admin, or an agent who also serves another program is refused with the reason."""
    scope = actor.visible_program_ids()
    if scope is None:
        return
    served = {p.id for p in user.programs}
    if not served & scope:
        raise NotFound(f"no user {user.id}")
    if user.role != Role.AGENT:
        raise Forbidden(_("%(email)s is not an agent: only an administrator changes managers and admins.",
                          email=user.email))
    if others := [p.code for p in user.programs if p.id not in scope]:
        raise Forbidden(_("%(email)s also serves %(programs)s, which you do not manage: ask an administrator.",
                          email=user.email, programs=", ".join(others)))


def _check_assignment(errors: FieldErrors, role, programs: list[Program], actor) -> None:
    """A manager gives the agent role only, and only programs they serve (at least one, or the agent would be
    out of their reach)."""
    scope = actor.visible_program_ids()
    if scope is None:
        return
    if role and role != Role.AGENT:
        errors.add("role", _("managers invite agents only; an administrator creates managers and admins"))
    if others := [p.code for p in programs if p.id not in scope]:
        errors.add("programs", _("%(programs)s: not a program you serve", programs=", ".join(others)))
    elif not programs:
        errors.add("programs", _("choose at least one of your programs"))


def _audited(user: User) -> dict:
    return snapshot(user, AUDITED) | {"programs": [p.code for p in user.programs]}


def list_users(*, actor) -> list[User]:
    """Everyone for an admin; for a manager, the agents of their programs."""
    query = select(User).options(selectinload(User.programs)).order_by(User.active.desc(), User.name)
    scope = actor.visible_program_ids()
    if scope is not None:
        query = query.where(User.role == Role.AGENT, User.programs.any(Program.id.in_(scope)))
    return list(db.session.scalars(query))


def _phone(raw: str | None, errors: FieldErrors) -> str | None:
    """The agent's phone as E.164 (with its international prefix), or None when left empty."""
    if not (raw or "").strip():
        return None
    return errors.check("phone", lambda: normalize_phone(raw))
