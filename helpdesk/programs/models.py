from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOCALES = ("en", "pl", "ru")
DEFAULT_RETENTION_MONTHS = 24

DEFAULT_BUSINESS_HOURS = {day: (["09:00-17:00"] if day not in ("sat", "sun") else []) for day in WEEKDAYS}
# Minutes of business time per priority: (first response, resolution).
DEFAULT_SLA_TARGETS = {
    "urgent": {"first_response": 30, "resolution": 240},
    "high": {"first_response": 60, "resolution": 480},
    "normal": {"first_response": 240, "resolution": 1440},
    "low": {"first_response": 480, "resolution": 2400},
}


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    hotline_number: Mapped[str] = mapped_column(String(16), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5))
    business_hours: Mapped[dict] = mapped_column(JSON, default=lambda: dict(DEFAULT_BUSINESS_HOURS))
    sla_targets: Mapped[dict] = mapped_column(JSON, default=lambda: dict(DEFAULT_SLA_TARGETS))
    last_case_number: Mapped[int] = mapped_column(default=0, server_default="0")
    # Message bodies, transcriptions and recordings older than this are erased (helpdesk.privacy.retention).
    retention_months: Mapped[int] = mapped_column(default=DEFAULT_RETENTION_MONTHS,
                                                  server_default=str(DEFAULT_RETENTION_MONTHS))
    # Hotline: greeting per locale (empty: the default text) and the on-duty agents' phones, E.164.
    greetings: Mapped[dict] = mapped_column(JSON, default=dict)
    on_duty_numbers: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    special_days: Mapped[list["SpecialDays"]] = relationship(
        back_populates="program", order_by="SpecialDays.starts_on", cascade="all, delete-orphan",
        passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Program {self.code}>"


class SpecialDays(db.Model):
    """Days (one, or a range) on which the program's weekly hours do not apply: a holiday closure (no hours) or
    special opening hours. Ranges of one program never overlap."""

    __tablename__ = "program_special_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    hours: Mapped[list] = mapped_column(JSON, default=list)  # ["10:00-14:00"]; empty: closed all day
    note: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program] = relationship(back_populates="special_days")

    @property
    def closed(self) -> bool:
        return not self.hours
