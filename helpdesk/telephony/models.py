import enum
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from helpdesk.auth.models import User
from helpdesk.cases.models import Case, Category
from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.labels import Labelled, set_labels, set_value_labels
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program

LIVE_CALL_STATUSES = ("queued", "ringing", "in-progress")
FINAL_CALL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")
# Twilio's call and message statuses (and our outbox's own), as agents read them.
set_value_labels("call_status", {
    "queued": _l("queued"), "ringing": _l("ringing"), "in-progress": _l("in progress"), "completed": _l("completed"),
    "busy": _l("busy"), "no-answer": _l("no answer"), "failed": _l("failed"), "canceled": _l("cancelled")})
set_value_labels("message_status", {
    "pending": _l("waiting to be sent"), "sending": _l("sending"), "accepted": _l("accepted"),
    "queued": _l("queued"), "sent": _l("sent"), "delivered": _l("delivered"), "undelivered": _l("not delivered"),
    "failed": _l("failed"), "received": _l("received"), "read": _l("read")})


class CallOutcome(Labelled, enum.StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    VOICEMAIL = "voicemail"


set_labels(CallOutcome, {CallOutcome.ANSWERED: _l("answered"), CallOutcome.MISSED: _l("missed"),
                         CallOutcome.VOICEMAIL: _l("voicemail")}, stored_as="call_outcome")


class TelephonyEvent(enum.StrEnum):
    """Timeline entries of calls and texts. Shown by cases/events/<value>.html."""

    CALL = "call"
    CALL_ANSWERED = "call_answered"
    VOICEMAIL = "voicemail"
    TRANSCRIPTION = "transcription"
    CALL_ENDED = "call_ended"
    SMS_IN = "sms_in"
    SMS_OUT = "sms_out"
    REOPENED_BY_TEXT = "reopened_by_text"


class MenuAction(Labelled, enum.StrEnum):
    """What pressing a phone menu key does. Each files the call on a case of the option's category."""

    CASE_CATEGORY = "case_category"  # then the on-duty agents' phones ring
    AGENT = "agent"  # category Other, then the agents
    VOICEMAIL = "voicemail"  # straight to recording a message


set_labels(MenuAction, {MenuAction.CASE_CATEGORY: _l("Set the case category and connect to an agent"),
                        MenuAction.AGENT: _l("Talk to an agent"), MenuAction.VOICEMAIL: _l("Leave a voicemail")})


class PhoneMenuOption(db.Model):
    """One key of a program's phone menu (helpdesk.telephony.menu). A program without any has the standard menu."""

    __tablename__ = "phone_menu_options"
    __table_args__ = (UniqueConstraint("program_id", "digit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    digit: Mapped[str] = mapped_column(String(1))
    action: Mapped[MenuAction] = mapped_column(
        db.Enum(MenuAction, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    category: Mapped[Category] = mapped_column(  # as cases.category
        db.Enum(Category, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e]))
    custom_category_id: Mapped[int | None] = mapped_column(ForeignKey("case_categories.id"))  # as on cases
    # What callers hear for it, per locale ({"en": ..., "pl": ...}); a missing locale falls back (menu.spoken).
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def category_value(self) -> str:
        """The category as forms name it (helpdesk.cases.categories)."""
        return f"custom:{self.custom_category_id}" if self.custom_category_id else self.category.value


class Call(db.Model):
    """One inbound call, identified by Twilio's CallSid (unique: a redelivered webhook finds the same row)."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_status", "status", "id"),
        Index("ix_calls_program_id", "program_id", "id"),
        Index("ix_calls_agent_id", "agent_id", "id"),
        Index("ix_calls_outcome", "outcome", "id"),
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_case_id", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_number: Mapped[str | None] = mapped_column(String(32))  # the on-duty phone that picked the call up
    from_number: Mapped[str] = mapped_column(String(64))
    to_number: Mapped[str] = mapped_column(String(32))
    menu_choice: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16), default="ringing")
    outcome: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration: Mapped[int | None]
    recording_sid: Mapped[str | None] = mapped_column(String(64))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_duration: Mapped[int | None]
    transcription: Mapped[str | None] = mapped_column(Text)

    # Lazy: the webhooks look calls up by CallSid on every request and need none of these joined in;
    # the lists that show them ask for them (CALL_LIST_LOADS).
    program: Mapped[Program] = relationship()
    participant: Mapped[Participant | None] = relationship()
    case: Mapped[Case | None] = relationship()
    agent: Mapped[User | None] = relationship()


CALL_LIST_LOADS = (joinedload(Call.program), joinedload(Call.participant), joinedload(Call.case),
                   joinedload(Call.agent))


class Message(db.Model):
    """An SMS in or out. Outbound rows are also the outbox: ``pending`` ones wait for delivery."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_case_id", "case_id", "id"),
        Index("ix_messages_from_number", "from_number", "id"),
        Index("ix_messages_to_number", "to_number", "id"),
        Index("ix_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    direction: Mapped[str] = mapped_column(String(8))  # inbound | outbound
    from_number: Mapped[str] = mapped_column(String(64))
    to_number: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None]
    error_message: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship()
    participant: Mapped[Participant | None] = relationship()

    @property
    def failure_for_agents(self) -> str | None:
        """What agents are told about a send that failed: the provider's error code, never its text, which can
        name the account (admins read the text, without account ids, under Needs attention)."""
        if self.error_code is not None:
            return _("the SMS provider refused the message (code %(code)s)", code=self.error_code)
        return _("the SMS provider could not be reached") if self.error_message else None
