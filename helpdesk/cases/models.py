import enum
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, and_, text
from sqlalchemy.orm import Mapped, foreign, joinedload, mapped_column, relationship, validates

from helpdesk.auth.models import User
from helpdesk.database import IntEnumType, UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.i18n import current_language
from helpdesk.labels import Labelled, set_labels
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program


def _string_enum(enum_class: type[enum.StrEnum]):
    return db.Enum(enum_class, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class Status(Labelled, enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_PARTICIPANT = "pending_participant"
    PENDING_VENDOR = "pending_vendor"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED)


set_labels(Status, {Status.NEW: _l("New"), Status.OPEN: _l("Open"),
                    Status.PENDING_PARTICIPANT: _l("Waiting for participant"),
                    Status.PENDING_VENDOR: _l("Waiting for vendor"), Status.RESOLVED: _l("Resolved"),
                    Status.CLOSED: _l("Closed")}, stored_as="status")


class Priority(Labelled, enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> "Priority":
        return cls[key.upper()]


set_labels(Priority, {Priority.LOW: _l("Low"), Priority.NORMAL: _l("Normal"), Priority.HIGH: _l("High"),
                      Priority.URGENT: _l("Urgent")}, stored_as="priority")


class Channel(Labelled, enum.StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    WEB = "web"


set_labels(Channel, {Channel.PHONE: _l("Phone"), Channel.SMS: _l("SMS"), Channel.EMAIL: _l("Email"),
                     Channel.WEB: _l("Web")}, stored_as="channel")


class Category(Labelled, enum.StrEnum):
    REWARD_DELIVERY = "reward_delivery"
    POINTS = "points"
    REDEMPTION = "redemption"
    ACCOUNT = "account"
    COMPLAINT = "complaint"
    CODE_NOT_ACCEPTED = "code_not_accepted"  # the code it is about is on the case (helpdesk.codes)
    OTHER = "other"


set_labels(Category, {Category.REWARD_DELIVERY: _l("Reward delivery"), Category.POINTS: _l("Points"),
                      Category.REDEMPTION: _l("Redemption"), Category.ACCOUNT: _l("Account"),
                      Category.COMPLAINT: _l("Complaint"), Category.CODE_NOT_ACCEPTED: _l("Code not accepted"),
                      Category.OTHER: _l("Other")}, stored_as="category")


class CaseCategory(db.Model):
    """A program's own case category (``builtin`` false), or its customisation of a built-in one (``builtin``:
    new names, or retired; at most one per built-in). Reports and call scripts go by ``reported_as``."""

    __tablename__ = "case_categories"
    __table_args__ = (
        Index("uq_case_categories_builtin", "program_id", "reported_as", unique=True,
              sqlite_where=text("builtin"), postgresql_where=text("builtin")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    reported_as: Mapped[Category] = mapped_column(_string_enum(Category))
    builtin: Mapped[bool] = mapped_column(default=False)
    name_en: Mapped[str] = mapped_column(String(60), default="")  # empty only on a built-in's row: its label then
    name_pl: Mapped[str] = mapped_column(String(60), default="")
    name_ru: Mapped[str] = mapped_column(String(60), default="")
    retired: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def value(self) -> str:
        """What forms offer and :func:`helpdesk.cases.categories.resolve_category` takes: the built-in's value, or
        ``custom:<id>``."""
        return self.reported_as.value if self.builtin else f"custom:{self.id}"

    def name_in(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the viewer's), else the English one, else the built-in's label."""
        language = language or current_language()
        name = getattr(self, f"name_{language}", "") or self.name_en
        if name:
            return name
        with force_locale(language):
            return str(self.reported_as.label)

    @property
    def name(self) -> str:
        return self.name_in()


class Case(db.Model):
    """A participant contact that someone owns until it is resolved.

    ``is_open`` mirrors the status and ``sla_due_at`` holds the next SLA deadline (first response while
    none was given, then resolution), so queues and the breach list are plain index range scans.
    """

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        Index("ix_cases_open_id", "is_open", "id"),
        Index("ix_cases_program_open_id", "program_id", "is_open", "id"),
        Index("ix_cases_program_id", "program_id", "id"),
        Index("ix_cases_assignee_open_id", "assignee_id", "is_open", "id"),
        Index("ix_cases_open_sla_due", "is_open", "sla_due_at", "id"),
        Index("ix_cases_participant_id", "participant_id", "id"),
        # "This week" counts the cases a program opened per category in a date range: index-only.
        Index("ix_cases_program_created", "program_id", "created_at", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    number: Mapped[int]
    channel: Mapped[Channel] = mapped_column(_string_enum(Channel))
    category: Mapped[Category] = mapped_column(_string_enum(Category))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[Status] = mapped_column(_string_enum(Status), default=Status.NEW)
    is_open: Mapped[bool] = mapped_column(default=True)
    priority: Mapped[Priority] = mapped_column(IntEnumType(Priority), default=Priority.NORMAL)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The participant texted and no staff member has acted on the case since: the "new text" marker of queues.
    participant_texted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the case was merged into another: it is closed, and points there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # One of the program's own categories (its ``reported_as`` is ``category``); None: the built-in one.
    custom_category_id: Mapped[int | None] = mapped_column(ForeignKey("case_categories.id"))

    program: Mapped[Program] = relationship()
    participant: Mapped[Participant | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    custom_category: Mapped[CaseCategory | None] = relationship()
    # The program's new name for the built-in category, if it gave one.
    builtin_category: Mapped[CaseCategory | None] = relationship(viewonly=True, primaryjoin=lambda: and_(
        foreign(CaseCategory.program_id) == Case.program_id, foreign(CaseCategory.reported_as) == Case.category,
        CaseCategory.builtin.is_(True)))

    @validates("status")
    def _mirror_open(self, key, status):
        self.is_open = Status(status).is_open
        return status

    @property
    def category_name(self) -> str:
        """The category as staff see it, in the viewer's language."""
        row = self.custom_category or self.builtin_category
        return row.name if row else str(self.category.label)

    @property
    def category_value(self) -> str:
        return f"custom:{self.custom_category_id}" if self.custom_category_id else self.category.value

    @property
    def reference(self) -> str:
        return f"{self.program.code}-{self.number}"

    def __repr__(self) -> str:
        return f"<Case {self.program_id}-{self.number}>"


# What a page showing cases reads with them, in the same statement: lists and the case page pass these.
CASE_PAGE_LOADS = (joinedload(Case.program, innerjoin=True), joinedload(Case.participant), joinedload(Case.assignee),
                   joinedload(Case.custom_category), joinedload(Case.builtin_category))

# Highest priority first, oldest first within a priority: one index walk for the "priority" sort.
Index("ix_cases_open_priority", Case.is_open, Case.priority.desc(), Case.id)


class EventKind(enum.StrEnum):
    """The case's own timeline entries. Other features declare theirs (``TelephonyEvent``...) and write them
    with ``log_activity``; ``CaseEvent.kind`` stores the value."""

    CREATED = "created"
    NOTE = "note"
    STATUS = "status"
    PRIORITY = "priority"
    CATEGORY = "category"
    ASSIGNEE = "assignee"
    PARTICIPANT = "participant"
    MERGED_INTO = "merged_into"  # this case was merged into another (data: the other's id and reference)
    MERGED_FROM = "merged_from"  # another case was merged into this one


class CaseEvent(db.Model):
    """One entry of a case's timeline: who did what, when. Written only by the case services."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    is_public: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
