"""Reward-delivery cases: opened from orders, escalated to the vendor, resolved with a recorded outcome.

Every step writes the case timeline through :func:`log_activity` and changes the case's status through
:func:`update_case`. A delivery case cannot become resolved or closed, on any path, before a resolution is
recorded: :func:`require_resolution` answers the ``resolution_requested`` signal (connected by ``init_app``).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from helpdesk.actors import Actor, can_access
from helpdesk.cases.models import Case, Category, Status
from helpdesk.cases.services import log_activity, open_case, update_case
from helpdesk.database import insert_or_ignore, utcnow
from helpdesk.errors import Conflict, NotFound
from helpdesk.extensions import db
from helpdesk.rewards.models import (
    DeliveryCase,
    IssueType,
    OrderStatus,
    Resolution,
    RewardEvent,
    RewardOrder,
    RewardType,
    delivery_case_orders,
)
from helpdesk.signals import delivery_reshipped
from helpdesk.validation import FieldErrors, parse_day

MAX_ANSWER = 10_000
NEEDS_RESOLUTION = ("a reward-delivery case needs a resolution first: reshipped, replacement, points refunded, "
                    "voucher reissued, or no action with a reason")


def delivery_of(case: Case) -> DeliveryCase | None:
    return db.session.get(DeliveryCase, case.id)


def require_resolution(case: Case) -> str | None:
    """Answers ``resolution_requested``: a delivery case needs its resolution recorded to be resolved or closed."""
    delivery = delivery_of(case)
    return NEEDS_RESOLUTION if delivery is not None and delivery.resolution is None else None


def program_today(program) -> date:
    return utcnow().astimezone(ZoneInfo(program.timezone)).date()


def suggested_issue(order: RewardOrder, today: date | None = None) -> IssueType:
    """The likeliest issue for the one-click case; the agent can change it on the case page."""
    today = today or program_today(order.participant.program)
    if order.reward_type in (RewardType.VOUCHER, RewardType.E_CODE):
        return IssueType.CODE_NOT_WORKING
    undelivered = order.status in (OrderStatus.ORDERED, OrderStatus.PROCESSING, OrderStatus.SHIPPED)
    if undelivered and order.expected_delivery is not None and order.expected_delivery < today:
        return IssueType.LATE
    return IssueType.NOT_DELIVERED


def open_cases_by_order(order_ids) -> dict[int, Case]:
    """The open delivery case of each order that has one, for all ``order_ids`` in one query."""
    if not order_ids:
        return {}
    rows = db.session.execute(
        select(delivery_case_orders.c.order_id, Case)
        .join(Case, Case.id == delivery_case_orders.c.case_id)
        .where(delivery_case_orders.c.order_id.in_(list(order_ids)), Case.is_open)
    )
    return dict(rows.all())


def open_delivery_case(order: RewardOrder, *, issue_type, actor: Actor, channel: str = "phone",
                       subject: str | None = None, description: str = "") -> Case:
    """Open a reward-delivery case for ``order``'s participant about the order (one click on the panel)."""
    if not can_access(actor, order.program_id):
        raise NotFound("no such reward order")
    errors = FieldErrors()
    issue = errors.choice("issue_type", issue_type, IssueType)
    errors.raise_if_any()
    _refuse_second_open_case(order)
    case = open_case(order.participant.program, participant=order.participant, channel=channel,
                     category=Category.REWARD_DELIVERY, subject=subject or f"{issue.label}: {order.reward_name}"[:200],
                     description=description, actor=actor)
    _start_delivery(case, order, issue)
    _link(case, order)
    log_activity(case, RewardEvent.DELIVERY_OPENED, actor=actor, issue_type=issue.value, order_ref=order.order_ref,
                 reward_name=order.reward_name, vendor=order.vendor)
    return case


def link_order(case: Case, order: RewardOrder, *, actor: Actor, issue_type=None) -> DeliveryCase:
    """Add one of the participant's orders to the case.

    A reward-delivery case opened without an order becomes a delivery case here, which needs ``issue_type``.
    """
    if not can_access(actor, case.program_id):
        raise NotFound("no such case")
    delivery = delivery_of(case)
    if delivery is None:
        delivery = _start_delivery(case, order, issue_type)
    else:
        _open_delivery(case, actor)
    if order.program_id != case.program_id or order.participant_id != case.participant_id:
        raise Conflict("the order belongs to another participant")
    if order in delivery.orders:
        raise Conflict(f"order {order.order_ref} is already linked to this case")
    _refuse_second_open_case(order)
    _link(case, order)
    db.session.expire(delivery, ["orders"])
    log_activity(case, RewardEvent.ORDER_LINKED, actor=actor, order_ref=order.order_ref, reward_name=order.reward_name,
                 issue_type=delivery.issue_type.value)
    return delivery


def move_orders_to_merged_case(case: Case, *, into: Case) -> None:
    """Answers ``cases_merged``: the merged case's order links go to the case merged into. When that one has no
    delivery side yet it takes the merged case's (issue, escalation, resolution); otherwise it keeps its own."""
    source = delivery_of(case)
    if source is None:
        return
    if delivery_of(into) is None:
        copied = {column.key: getattr(source, column.key) for column in DeliveryCase.__table__.columns}
        db.session.add(DeliveryCase(**{**copied, "case_id": into.id}))
        db.session.flush()
    links = db.session.execute(select(delivery_case_orders.c.order_id, delivery_case_orders.c.linked_at)
                               .where(delivery_case_orders.c.case_id == case.id)).all()
    if links:
        db.session.execute(insert_or_ignore(delivery_case_orders, delivery_case_orders.c.case_id,
                                            delivery_case_orders.c.order_id),
                           [{"case_id": into.id, "order_id": order_id, "linked_at": linked_at}
                            for order_id, linked_at in links])
    db.session.delete(source)
    db.session.flush()


def _start_delivery(case: Case, order: RewardOrder, issue_type) -> DeliveryCase:
    if case.category != Category.REWARD_DELIVERY:
        raise Conflict("only a reward-delivery case can be linked to orders")
    if not case.is_open:
        raise Conflict(f"the case is {case.status.value}; reopen it first")
    errors = FieldErrors()
    issue = errors.choice("issue_type", issue_type, IssueType)
    errors.raise_if_any()
    delivery = DeliveryCase(case_id=case.id, program_id=case.program_id, issue_type=issue, vendor=order.vendor)
    db.session.add(delivery)
    db.session.flush()
    return delivery


def change_issue_type(case: Case, issue_type, *, actor: Actor) -> DeliveryCase:
    delivery = _open_delivery(case, actor)
    errors = FieldErrors()
    issue = errors.choice("issue_type", issue_type, IssueType)
    errors.raise_if_any()
    if issue != delivery.issue_type:
        log_activity(case, RewardEvent.ISSUE_TYPE, actor=actor, old=delivery.issue_type.value, new=issue.value)
        delivery.issue_type = issue
    return delivery


def escalate_to_vendor(case: Case, *, answer_due, vendor_reference=None, vendor=None, note=None,
                       actor: Actor) -> DeliveryCase:
    """Ask the vendor; the case waits for the vendor until the answer is recorded, due by the end of ``answer_due``."""
    delivery = _open_delivery(case, actor)
    if delivery.awaiting_vendor:
        raise Conflict("the case already waits for the vendor's answer; record it before escalating again")
    errors = FieldErrors()
    vendor = errors.text("vendor", vendor, max_length=120, required=delivery.vendor is None) or delivery.vendor
    reference = errors.text("vendor_reference", vendor_reference, max_length=80, required=False) or None
    note = errors.text("note", note, max_length=MAX_ANSWER, required=False) or ""
    tz = ZoneInfo(case.program.timezone)
    due_at = errors.check("answer_due", lambda: _end_of_day(answer_due, tz))
    errors.raise_if_any()
    now = utcnow()
    delivery.vendor, delivery.vendor_reference = vendor, reference
    delivery.escalated_at, delivery.answer_due_at = now, due_at
    delivery.answered_at = delivery.vendor_answer = None
    log_activity(case, RewardEvent.VENDOR_ESCALATED, actor=actor, body=note, vendor=vendor, vendor_reference=reference,
                 answer_due=due_at.astimezone(tz).date().isoformat())
    if case.status != Status.PENDING_VENDOR:
        update_case(case, actor=actor, status=Status.PENDING_VENDOR)
    return delivery


def record_vendor_answer(case: Case, *, answer, vendor_reference=None, actor: Actor) -> DeliveryCase:
    """The vendor's answer; a case waiting for the vendor goes back to open."""
    delivery = _open_delivery(case, actor)
    if not delivery.awaiting_vendor:
        raise Conflict("the case was not escalated to the vendor, or the answer is already recorded")
    errors = FieldErrors()
    answer = errors.text("answer", answer, max_length=MAX_ANSWER)
    reference = errors.text("vendor_reference", vendor_reference, max_length=80, required=False)
    errors.raise_if_any()
    delivery.answered_at, delivery.vendor_answer = utcnow(), answer
    delivery.vendor_reference = reference or delivery.vendor_reference
    log_activity(case, RewardEvent.VENDOR_ANSWERED, actor=actor, body=answer, vendor=delivery.vendor,
                 vendor_reference=delivery.vendor_reference, late=delivery.answered_at > delivery.answer_due_at)
    if case.status == Status.PENDING_VENDOR:
        update_case(case, actor=actor, status=Status.OPEN)
    return delivery


def resolve_delivery_case(case: Case, *, resolution, tracking_number=None, carrier=None, refund_points=None,
                          note=None, actor: Actor) -> DeliveryCase:
    """Record how the participant got the reward or the points back, then resolve the case.

    Reshipped needs the new tracking number; points refunded an amount up to what the linked orders cost;
    no action a reason.
    """
    delivery = _open_delivery(case, actor)
    errors = FieldErrors()
    kind = errors.choice("resolution", resolution, Resolution)
    tracking = errors.text("tracking_number", tracking_number, max_length=80, required=kind == Resolution.RESHIPPED)
    carrier = errors.text("carrier", carrier, max_length=80, required=False)
    note = errors.text("note", note, max_length=MAX_ANSWER, required=kind == Resolution.NO_ACTION)
    points = None
    if kind == Resolution.POINTS_REFUNDED:
        spent = sum(order.points_spent for order in delivery.orders)
        points = errors.check("refund_points", lambda: _refund(refund_points, spent))
    errors.raise_if_any()
    delivery.resolution, delivery.resolution_at, delivery.refund_points = kind, utcnow(), points
    delivery.resolution_note = note or None
    reshipped = kind in (Resolution.RESHIPPED, Resolution.REPLACEMENT) and tracking
    delivery.resolution_tracking_number = tracking or None
    delivery.resolution_carrier = (carrier or _first_carrier(delivery)) if reshipped else None
    log_activity(case, RewardEvent.DELIVERY_RESOLVED, actor=actor, body=note or "", resolution=kind.value,
                 tracking_number=delivery.resolution_tracking_number, carrier=delivery.resolution_carrier,
                 refund_points=points)
    if reshipped:
        delivery_reshipped.send(case, delivery=delivery)
    update_case(case, actor=actor, status=Status.RESOLVED)
    return delivery


def _open_delivery(case: Case, actor: Actor) -> DeliveryCase:
    if not can_access(actor, case.program_id):
        raise NotFound("no such case")
    delivery = delivery_of(case)
    if delivery is None:
        raise Conflict("this case is not linked to a reward order")
    if not case.is_open:
        raise Conflict(f"the case is {case.status.value}; reopen it first")
    return delivery


def _refuse_second_open_case(order: RewardOrder) -> None:
    existing = open_cases_by_order([order.id]).get(order.id)
    if existing is not None:
        raise Conflict(f"order {order.order_ref} already has the open delivery case {existing.reference}")


def _link(case: Case, order: RewardOrder) -> None:
    db.session.execute(insert(delivery_case_orders).values(case_id=case.id, order_id=order.id, linked_at=utcnow()))


def _first_carrier(delivery: DeliveryCase) -> str | None:
    return next((order.carrier for order in delivery.orders if order.carrier), None)


def _refund(value, spent: int) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("must be a whole number of points, 1 or more")
    if value > spent:
        raise ValueError(f"is more than the {spent:,} points the order spent")
    return value


def _end_of_day(value, tz: ZoneInfo) -> datetime:
    """The last moment of the day ``value`` (a date or YYYY-MM-DD) in the program's timezone; today or later."""
    if isinstance(value, str):
        value = parse_day(value.strip())
    if not isinstance(value, date):
        raise ValueError("is required")
    if value < utcnow().astimezone(tz).date():
        raise ValueError("is in the past")
    return (datetime.combine(value + timedelta(days=1), time(0), tz) - timedelta(seconds=1)).astimezone(UTC)
