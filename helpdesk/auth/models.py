import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.labels import Labelled, set_labels
from helpdesk.programs.models import Program


class Role(Labelled, enum.StrEnum):
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"


set_labels(Role, {Role.AGENT: _l("Agent"), Role.MANAGER: _l("Manager"), Role.ADMIN: _l("Admin")}, stored_as="role")


user_programs = Table(
    "user_programs",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
)


def _new_session_token() -> str:
    return secrets.token_hex(32)


class User(UserMixin, db.Model):
    """A staff member: agents work cases, managers also see reports and edit scripts, admins manage everything."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    # What the session and the remember-me cookie carry (Flask-Login's alternative id): a new one ends them all.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_token)
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    active: Mapped[bool] = mapped_column(default=True)
    # The staff UI's and e-mails' language (en, pl, ru); None: the browser's, or the program's for e-mails.
    language: Mapped[str | None] = mapped_column(String(5))
    # The phone the agent answers hotline calls on (one of the programs' on-duty numbers), E.164: a call picked
    # up on it is "answered by" them.
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programs: Mapped[list[Program]] = relationship(secondary=user_programs, order_by=Program.code)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""

    @property
    def display_name(self) -> str:
        return self.name

    def get_id(self) -> str:
        return self.session_token

    def end_sessions(self) -> None:
        """Every session and remember-me cookie signed in before stops working at its next request."""
        self.session_token = _new_session_token()

    def visible_program_ids(self) -> set[int] | None:
        """Program ids this user may see; None means every program (admins)."""
        return None if self.role == Role.ADMIN else {p.id for p in self.programs}

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class SignInEventKind(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    REFUSED = "refused"  # an attempt while the account or address was locked out: no password was checked
    ACCOUNT_LOCKED = "account_locked"
    ADDRESS_LOCKED = "address_locked"


class SignInEvent(db.Model):
    """One sign-in attempt or lock-out, kept for the audit log: the e-mail as typed (an account may not exist),
    the client's address, the user when the e-mail is theirs."""

    __tablename__ = "sign_in_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[SignInEventKind] = mapped_column(
        db.Enum(SignInEventKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(45))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class SignInThrottle(db.Model):
    """Failed sign-ins counted for one account (``account:<e-mail>``) or one client address (``address:<ip>``)
    in the current window, and the lock-out they led to. Rows are locked while counted, so every worker process
    and machine shares the count."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
