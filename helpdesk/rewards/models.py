"""Reward orders from the loyalty platform, their status history, and the reward-delivery side of a case."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.cases.models import Case
from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.labels import Labelled, set_labels
from helpdesk.participants.models import Participant


def _string_enum(enum_class: type[enum.StrEnum]):
    return db.Enum(enum_class, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class RewardType(Labelled, enum.StrEnum):
    PHYSICAL = "physical"
    VOUCHER = "voucher"
    E_CODE = "e_code"


set_labels(RewardType, {RewardType.PHYSICAL: _l("Physical"), RewardType.VOUCHER: _l("Voucher"),
                        RewardType.E_CODE: _l("E-code")}, stored_as="reward_type")


class OrderStatus(Labelled, enum.StrEnum):
    ORDERED = "ordered"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"
    LOST = "lost"
    CANCELLED = "cancelled"


set_labels(OrderStatus, {OrderStatus.ORDERED: _l("Ordered"), OrderStatus.PROCESSING: _l("Processing"),
                         OrderStatus.SHIPPED: _l("Shipped"), OrderStatus.DELIVERED: _l("Delivered"),
                         OrderStatus.RETURNED: _l("Returned"), OrderStatus.LOST: _l("Lost"),
                         OrderStatus.CANCELLED: _l("Cancelled")}, stored_as="order_status")


class IssueType(Labelled, enum.StrEnum):
    NOT_DELIVERED = "not_delivered"
    LATE = "late"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    MISSING_PART = "missing_part"
    CODE_NOT_WORKING = "code_not_working"
    ADDRESS_PROBLEM = "address_problem"


set_labels(IssueType, {IssueType.NOT_DELIVERED: _l("Not delivered"), IssueType.LATE: _l("Late"),
                       IssueType.DAMAGED: _l("Damaged"), IssueType.WRONG_ITEM: _l("Wrong item"),
                       IssueType.MISSING_PART: _l("Missing part"),
                       IssueType.CODE_NOT_WORKING: _l("Voucher or code not working"),
                       IssueType.ADDRESS_PROBLEM: _l("Address problem")}, stored_as="issue_type")


class Resolution(Labelled, enum.StrEnum):
    RESHIPPED = "reshipped"
    REPLACEMENT = "replacement"
    POINTS_REFUNDED = "points_refunded"
    VOUCHER_REISSUED = "voucher_reissued"
    NO_ACTION = "no_action"


set_labels(Resolution, {Resolution.RESHIPPED: _l("Reshipped"), Resolution.REPLACEMENT: _l("Replacement"),
                        Resolution.POINTS_REFUNDED: _l("Points refunded"),
                        Resolution.VOUCHER_REISSUED: _l("Voucher reissued"), Resolution.NO_ACTION: _l("No action")},
           stored_as="resolution")


class RewardEvent(enum.StrEnum):
    """Timeline entries of reward-delivery cases. Shown by cases/events/<value>.html."""

    DELIVERY_OPENED = "delivery_opened"
    ORDER_LINKED = "order_linked"
    ISSUE_TYPE = "issue_type"
    VENDOR_ESCALATED = "vendor_escalated"
    VENDOR_ANSWERED = "vendor_answered"
    DELIVERY_RESOLVED = "delivery_resolved"


class RewardOrder(db.Model):
    """One redemption on the loyalty platform, known here by its ``order_ref`` (unique within the program)."""

    __tablename__ = "reward_orders"
    __table_args__ = (
        UniqueConstraint("program_id", "order_ref"),
        Index("ix_reward_orders_participant_ordered", "participant_id", "ordered_at", "id"),
        Index("ix_reward_orders_program_ordered", "program_id", "ordered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    order_ref: Mapped[str] = mapped_column(String(64))
    reward_sku: Mapped[str] = mapped_column(String(64))
    reward_name: Mapped[str] = mapped_column(String(200))
    reward_type: Mapped[RewardType] = mapped_column(_string_enum(RewardType))
    points_spent: Mapped[int]
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[OrderStatus] = mapped_column(_string_enum(OrderStatus))
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    vendor: Mapped[str | None] = mapped_column(String(120))
    carrier: Mapped[str | None] = mapped_column(String(80))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    expected_delivery: Mapped[date | None] = mapped_column(Date)
    shipping_address: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))  # who or what loaded it: the first step of its history
    created_via: Mapped[str] = mapped_column(String(160))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<RewardOrder {self.order_ref}>"


class OrderStatusChange(db.Model):
    """A change of an order's status: from what, to what, when, by whom and through which channel.

    The status an order was loaded with is not a row here: the order's ``created_*`` columns hold it.
    """

    __tablename__ = "reward_order_status_changes"
    __table_args__ = (Index("ix_reward_order_status_changes_order", "order_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("reward_orders.id", ondelete="CASCADE"))
    old_status: Mapped[OrderStatus | None] = mapped_column(_string_enum(OrderStatus))
    status: Mapped[OrderStatus] = mapped_column(_string_enum(OrderStatus))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(160))


delivery_case_orders = Table(
    "reward_delivery_case_orders",
    db.metadata,
    Column("case_id", ForeignKey("reward_delivery_cases.case_id", ondelete="CASCADE"), primary_key=True),
    Column("order_id", ForeignKey("reward_orders.id", ondelete="CASCADE"), primary_key=True),
    Column("linked_at", UTCDateTime, nullable=False, default=utcnow),
    Index("ix_reward_delivery_case_orders_order", "order_id", "case_id"),
)


class DeliveryCase(db.Model):
    """The reward-delivery facts of a case: its orders, the issue, the vendor escalation and the resolution.

    ``vendor`` is the first linked order's vendor, copied so that reports group without a join.
    """

    __tablename__ = "reward_delivery_cases"
    __table_args__ = (Index("ix_reward_delivery_cases_program_vendor", "program_id", "vendor", "issue_type"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    issue_type: Mapped[IssueType] = mapped_column(_string_enum(IssueType))
    vendor: Mapped[str | None] = mapped_column(String(120))
    vendor_reference: Mapped[str | None] = mapped_column(String(80))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_answer: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[Resolution | None] = mapped_column(_string_enum(Resolution))
    resolution_tracking_number: Mapped[str | None] = mapped_column(String(80))
    resolution_carrier: Mapped[str | None] = mapped_column(String(80))
    refund_points: Mapped[int | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolution_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(lazy="joined", innerjoin=True)
    orders: Mapped[list[RewardOrder]] = relationship(secondary=delivery_case_orders, lazy="selectin",
                                                     order_by=RewardOrder.ordered_at.desc())

    @property
    def awaiting_vendor(self) -> bool:
        return self.escalated_at is not None and self.answered_at is None

    def answer_overdue(self, now: datetime) -> bool:
        return self.awaiting_vendor and self.answer_due_at is not None and self.answer_due_at < now
