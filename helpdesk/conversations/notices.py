"""The texts the system sends on its own, through the SMS outbox: the acknowledgement of a text that opened a
case, and the delivery notices of reward orders. Each is a program setting (on by default); a participant who
opted out or has no phone gets nothing, and sending never stops the change that caused it."""

from contextlib import suppress
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from helpdesk.actors import SystemActor
from helpdesk.cases.models import Case
from helpdesk.conversations.settings import rules_for
from helpdesk.conversations.texts import conversation_text, opening_hours, reward_name, tracking
from helpdesk.database import utcnow
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.business_hours import is_open_at
from helpdesk.programs.models import LOCALES, Program
from helpdesk.rewards.delivery import open_cases_by_order
from helpdesk.rewards.models import DeliveryCase, OrderStatus, RewardOrder, RewardType
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms, send_sms_to_participants

AUTOMATIC = SystemActor("Automatic reply")
DELIVERY_NOTICE = SystemActor("Delivery notice")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOTICE_OF_STATUS = {OrderStatus.SHIPPED: "shipped", OrderStatus.DELIVERED: "delivered"}


def language_of(participant: Participant | None, program: Program) -> str:
    return participant.locale if participant is not None and participant.locale in LOCALES else program.locale


def acknowledge(case: Case, *, message: Message) -> None:
    """Answers ``text_opened_case``: the case reference and when to expect an answer (with the opening hours when
    the hotline is closed now), in the sender's language if the program acknowledges in it."""
    program = case.program
    locale = language_of(case.participant, program)
    if locale not in rules_for(program).acknowledge:
        return
    now = utcnow()
    is_open = is_open_at(now, program.business_hours, program.timezone)
    due = case.first_response_due_at or now
    body = conversation_text(locale, "ack" if is_open else "ack_closed", case=case.reference,
                             due=reply_by(due, now, program.timezone, locale),
                             hours=opening_hours(program.business_hours, locale))
    _send(program, message.from_number, body, AUTOMATIC, case, case.participant)


def reply_by(due: datetime, now: datetime, timezone: str, locale: str) -> str:
    """When the answer comes, in words that fit the texts' sentence: "by 14:30 today", "30.11 do 09:00"."""
    tz = ZoneInfo(timezone)
    local, today = due.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M")
    if locale == "pl":
        return f"dziś do {clock}" if local.date() == today else f"{local:%d.%m} do {clock}"
    if locale == "ru":
        return f"сегодня до {clock}" if local.date() == today else f"{local:%d.%m} до {clock}"
    return f"by {clock} today" if local.date() == today else f"by {clock} on {local.day} {MONTHS[local.month - 1]}"


def notify_status_changes(program: Program, *, changes: list[tuple[int, str, str]]) -> None:
    """Answers ``order_status_changed``: shipped (with the tracking link) and delivered notices."""
    wanted = rules_for(program).notices
    notices = {order_id: NOTICE_OF_STATUS.get(OrderStatus(new)) for order_id, _old, new in changes}
    notices = {order_id: notice for order_id, notice in notices.items() if notice in wanted}
    if not notices:
        return
    # Read afresh: the import wrote them in bulk, past the session's copies.
    orders = db.session.scalars(select(RewardOrder).where(RewardOrder.id.in_(list(notices)))
                                .execution_options(populate_existing=True)).all()
    cases = open_cases_by_order([order.id for order in orders])
    texts = []  # the many an import brings go out in one INSERT; the few on an open case on its timeline
    for order in orders:
        notice = notices[order.id]
        if order.reward_type != RewardType.PHYSICAL or (notice == "shipped" and not order.tracking_number):
            continue  # nothing travels, or nothing to follow
        body = _notice_text(order, notice, order.carrier, order.tracking_number)
        if order.id in cases:
            _send(program, order.participant.phone, body, DELIVERY_NOTICE, cases[order.id], order.participant)
        else:
            texts.append((order.participant, body))
    send_sms_to_participants(program, texts)


def notify_reshipment(case: Case, *, delivery: DeliveryCase) -> None:
    """Answers ``delivery_reshipped``: the new parcel's carrier and tracking link."""
    if "reshipped" in rules_for(case.program).notices and delivery.orders and delivery.resolution_tracking_number:
        order = delivery.orders[0]
        body = _notice_text(order, "reshipped", delivery.resolution_carrier, delivery.resolution_tracking_number)
        _send(case.program, order.participant.phone, body, DELIVERY_NOTICE, case, order.participant)


def _notice_text(order: RewardOrder, notice: str, carrier: str | None, number: str | None) -> str:
    participant = order.participant
    return conversation_text(language_of(participant, participant.program), notice,
                             reward=reward_name(order.reward_name), carrier=carrier or "",
                             tracking=tracking(carrier, number)).replace(" ()", "")


def _send(program, to, body, actor, case, participant) -> None:
    if not to:
        return
    with suppress(Conflict, ValidationError):  # opted out, or a number that is not a phone: nothing to send
        send_sms(program, to, body, actor=actor, case=case, participant=participant, responds=False)
