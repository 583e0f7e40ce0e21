"""Reward orders: one upsert path for the CSV import, the upload page and the API, and the look-ups agents need.

An upsert is keyed by ``order_ref`` within the program. A row whose fields all equal the stored order is
"unchanged" and writes nothing; only a real status change adds a row to the order's status history (the status an
order was loaded with is kept on the order itself).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.actors import Actor, can_access
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from helpdesk.rewards.models import OrderStatus, OrderStatusChange, RewardOrder, RewardType, delivery_case_orders
from helpdesk.signals import order_status_changed
from helpdesk.upserts import Outcome, Result
from helpdesk.validation import FieldErrors, FirstSeen, within_years

MAX_POINTS = 2_000_000_000
TEXT_FIELDS = {  # name: (max length, required)
    "participant_external_id": (64, True),
    "reward_sku": (64, True),
    "reward_name": (200, True),
    "vendor": (120, False),
    "carrier": (80, False),
    "tracking_number": (80, False),
    "shipping_address": (500, False),
}
# Every field of an order as sent by the loyalty platform, order_ref apart (CSV columns, API fields).
FIELDS = ("participant_external_id", "reward_sku", "reward_name", "reward_type", "points_spent", "ordered_at",
          "status", "vendor", "carrier", "tracking_number", "expected_delivery", "shipping_address")
# What a new order cannot do without (a file or request that updates existing orders may leave them out).
REQUIRED = ("participant_external_id", "reward_sku", "reward_name", "reward_type", "points_spent", "ordered_at",
            "status")
# The stored columns an upsert compares and writes.
STORED = ("participant_id", "reward_sku", "reward_name", "reward_type", "points_spent", "ordered_at", "status",
          "vendor", "carrier", "tracking_number", "expected_delivery", "shipping_address")

NOW = func.current_timestamp()  # UTC on SQLite; a timestamptz on PostgreSQL


class BatchCheck:
    """The check each order of a batch passes before :func:`apply_orders` (the CSV import's rows, the API's bulk
    items): its fields cleaned, and an ``order_ref`` given earlier in the same batch refused."""

    def __init__(self, given=FIELDS):
        self._first = FirstSeen()  # order_ref -> where it was first given ("line 2", "item 0")
        self.given = given

    def check(self, data: dict, position: str, errors: FieldErrors) -> dict | None:
        """The cleaned order, or None with the reasons in ``errors`` (which may hold some already)."""
        order_ref = clean_order_ref(data.get("order_ref"), errors)
        clean = clean_order(data, errors, given=self.given)
        if errors.fields:
            return None
        if (first := self._first.first(order_ref, position)) is not None:
            errors.add("order_ref", _("duplicate of %(where)s", where=first))
            return None
        return {**clean, "order_ref": order_ref}


def clean_order_ref(value, errors: FieldErrors) -> str | None:
    return errors.text("order_ref", value, max_length=64)


def clean_order(data: dict, errors: FieldErrors, *, given=FIELDS) -> dict:
    """The order's fields checked and converted (only those ``given``); each bad one is added to ``errors``.

    Takes CSV text as well as JSON values: ``points_spent`` may be "120" or 120, empty optional fields are None.
    Valid text takes a short path: an import checks a hundred thousand rows at a time.
    """
    clean = {}
    for name, (length, required) in TEXT_FIELDS.items():
        if name not in given:
            continue
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
            if value and len(value) <= length and "\x00" not in value:
                clean[name] = value
                continue
        if not value and not required:
            clean[name] = None
            continue
        clean[name] = errors.text(name, value, max_length=length, required=required) or None
    checks = {
        "reward_type": lambda: _choice("reward_type", data.get("reward_type"), _REWARD_TYPES, RewardType, errors),
        "status": lambda: _choice("status", data.get("status"), _STATUSES, OrderStatus, errors),
        "points_spent": lambda: errors.check("points_spent", lambda: parse_points(data.get("points_spent"))),
        "ordered_at": lambda: errors.check("ordered_at", lambda: parse_timestamp(data.get("ordered_at"))),
        "expected_delivery": lambda: errors.check("expected_delivery",
                                                  lambda: parse_date(data.get("expected_delivery"))),
    }
    for name, check in checks.items():
        if name in given:
            clean[name] = check()
    return clean


_REWARD_TYPES = {member.value: member for member in RewardType}
_STATUSES = {member.value: member for member in OrderStatus}


def _choice(name: str, value, members: dict, enum_class, errors: FieldErrors):
    value = value.strip() if isinstance(value, str) else value
    member = members.get(value) if isinstance(value, str) else None
    return member if member is not None else errors.choice(name, value, enum_class)


def parse_points(value) -> int:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("is required")
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ValueError("must be a whole number of points")
        value = int(text)
    elif value is None:
        raise ValueError("is required")
    elif not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("must be a whole number of points")
    if not 0 <= value <= MAX_POINTS:
        raise ValueError("must be 0 or more" if value < 0 else f"must be at most {MAX_POINTS:,}")
    return value


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")


def parse_timestamp(value) -> datetime:
    """ISO 8601 date or date-time; one without an offset is read as UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is required")
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError("is not an ISO 8601 date or date-time (e.g. 2024-05-01T14:30:00Z)") from None
    return within_years(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC))


def parse_date(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("is not an ISO 8601 date (YYYY-MM-DD)") from None
    return within_years(day)


def apply_orders(program: Program, items: list[dict], *, actor: Actor, source: str,
                 participant_ids: dict[str, int] | None = None) -> list[Outcome]:
    """Upsert cleaned orders (each with ``order_ref``; no reference twice) with a few queries in all.

    An item may hold only some fields (a status update): an existing order keeps the others; a new order
    needs them all (:data:`REQUIRED`).

    Returns each item's :class:`Outcome`: created, updated, unchanged, or rejected (an unknown participant).
    ``participant_ids`` (external id -> id) is filled as participants are looked up; an import passes the same
    dict for all its chunks, so a participant is looked up once. If another writer creates one of the orders
    meanwhile, the batch is read and written once more (it then finds that order and updates it).
    """
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    participants = _participant_ids(program, {item["participant_external_id"] for item in items
                                              if "participant_external_id" in item}, participant_ids)
    change = {"changed_by": actor.display_name[:120], "source": source[:160]}
    for attempt in (1, 2):
        try:
            with db.session.begin_nested():
                return _write(program, items, participants, change)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _write(program: Program, items: list[dict], participants: dict[str, int], change: dict) -> list[Outcome]:
    orders = RewardOrder.__table__
    existing = {row.order_ref: row for row in db.session.execute(
        select(orders.c.order_ref, orders.c.id, *(orders.c[name] for name in STORED))
        .where(orders.c.program_id == program.id, orders.c.order_ref.in_([item["order_ref"] for item in items]))
    )}
    outcomes, inserts, moved, edited, history = [], [], [], [], []
    program_id = program.id
    for item in items:
        row = existing.get(item["order_ref"])
        if "participant_external_id" in item:
            participant_id = participants.get(item["participant_external_id"])
            if participant_id is None:
                outcomes.append(Outcome(Result.REJECTED, {"participant_external_id": (
                    f"no participant {item['participant_external_id']!r} in program {program.code}")}))
                continue
        else:
            participant_id = row.participant_id if row is not None else None
        if row is None and (missing := [name for name in REQUIRED if name not in item]):
            outcomes.append(Outcome(Result.REJECTED, dict.fromkeys(missing, "is required for a new order")))
            continue
        values = {name: participant_id if name == "participant_id" else item.get(name, row and getattr(row, name))
                  for name in STORED}
        if row is None:
            inserts.append({**values, "program_id": program_id, "order_ref": item["order_ref"],
                            "created_by": change["changed_by"], "created_via": change["source"]})
            outcomes.append(_CREATED)
        elif row[2:] == tuple(values.values()):  # every stored field equal
            outcomes.append(_UNCHANGED)
        elif row.status != values["status"]:
            moved.append({**values, "_id": row.id})
            history.append({**change, "order_id": row.id, "old_status": row.status, "status": values["status"]})
            outcomes.append(_UPDATED)
        else:
            edited.append({**values, "_id": row.id})
            outcomes.append(_UPDATED)
    # Core executemany (the ORM's bulk insert goes row by row here); the database's clock stamps the rows, which
    # spares converting the same moment once per row.
    if inserts:
        db.session.execute(insert(orders).values(created_at=NOW, updated_at=NOW, status_changed_at=NOW), inserts)
    for updates, stamps in ((moved, {"updated_at": NOW, "status_changed_at": NOW}), (edited, {"updated_at": NOW})):
        if updates:
            db.session.execute(update(orders).where(orders.c.id == bindparam("_id")).values(stamps), updates)
    if history:
        db.session.execute(insert(OrderStatusChange.__table__).values(changed_at=NOW), history)
        order_status_changed.send(program, changes=[(h["order_id"], h["old_status"], h["status"]) for h in history])
    return outcomes


_CREATED, _UPDATED, _UNCHANGED = Outcome(Result.CREATED), Outcome(Result.UPDATED), Outcome(Result.UNCHANGED)


def _participant_ids(program: Program, external_ids: set[str], known: dict[str, int] | None) -> dict[str, int]:
    known = {} if known is None else known
    missing = external_ids.difference(known)
    if missing:
        known.update(db.session.execute(
            select(Participant.external_id, Participant.id)
            .where(Participant.program_id == program.id, Participant.external_id.in_(missing))
        ).all())
    return known


def upsert_order(program: Program, order_ref, data: dict, *, actor: Actor, source: str
                 ) -> tuple[RewardOrder, Result]:
    """Create or update one order; returns it and ``created``, ``updated`` or ``unchanged``."""
    errors = FieldErrors()
    order_ref = clean_order_ref(order_ref, errors)
    clean = clean_order(data, errors)
    errors.raise_if_any()
    outcome = apply_orders(program, [{**clean, "order_ref": order_ref}], actor=actor, source=source)[0]
    if outcome.errors:
        raise ValidationError(outcome.errors)
    return _read(program, order_ref), outcome.result


def change_order(program: Program, order_ref: str, data: dict, *, actor: Actor, source: str
                 ) -> tuple[RewardOrder, Result]:
    """Change only the fields in ``data`` of an existing order (a status update is ``{"status": …}``)."""
    errors = FieldErrors()
    clean = clean_order(data, errors, given=set(data) & set(FIELDS))
    errors.raise_if_any()
    outcome = apply_orders(program, [{**clean, "order_ref": order_ref}], actor=actor, source=source)[0]
    if outcome.errors:
        raise ValidationError(outcome.errors)
    return _read(program, order_ref), outcome.result


def _read(program: Program, order_ref: str) -> RewardOrder:
    return db.session.scalar(  # read afresh: bulk writes bypass the identity map
        select(RewardOrder).where(RewardOrder.program_id == program.id, RewardOrder.order_ref == order_ref)
        .execution_options(populate_existing=True))


def find_order(program: Program, order_ref: str) -> RewardOrder | None:
    return db.session.scalar(
        select(RewardOrder).where(RewardOrder.program_id == program.id, RewardOrder.order_ref == order_ref))


def get_order(order_id: int, *, actor: Actor) -> RewardOrder:
    order = db.session.get(RewardOrder, order_id)
    if order is None or not can_access(actor, order.program_id):
        raise NotFound("no such reward order")
    return order


def recent_orders(participant: Participant, limit: int = 5) -> list[RewardOrder]:
    """The participant's latest orders, newest first (one index range scan)."""
    return list(db.session.scalars(
        select(RewardOrder).where(RewardOrder.participant_id == participant.id)
        .order_by(RewardOrder.ordered_at.desc(), RewardOrder.id.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class StatusStep:
    old_status: OrderStatus | None
    status: OrderStatus
    changed_at: datetime
    changed_by: str
    source: str


def status_histories(orders: list[RewardOrder]) -> dict[int, list[StatusStep]]:
    """Each order's status history, oldest first, the status it was loaded with included; one query in all."""
    changes = {order.id: [] for order in orders}
    if changes:
        for change in db.session.scalars(select(OrderStatusChange).where(OrderStatusChange.order_id.in_(changes))
                                         .order_by(OrderStatusChange.order_id, OrderStatusChange.id)):
            changes[change.order_id].append(change)
    return {order.id: [StatusStep(None, changes[order.id][0].old_status if changes[order.id] else order.status,
                                  order.created_at, order.created_by, order.created_via),
                       *(StatusStep(c.old_status, c.status, c.changed_at, c.changed_by, c.source)
                         for c in changes[order.id])]
            for order in orders}


def order_reference_url(query: str, actor: Actor) -> str | None:
    """An exact order reference (as typed, or upper-cased) opens its newest delivery case, else its participant."""
    visible = actor.visible_program_ids()
    if visible is None:  # the program ids lead the unique index on (program_id, order_ref)
        visible = db.session.scalars(select(Program.id)).all()
    stmt = select(RewardOrder.id, RewardOrder.participant_id).where(
        RewardOrder.program_id.in_(visible), RewardOrder.order_ref.in_({query, query.upper()}))
    order = db.session.execute(stmt.order_by(RewardOrder.id.desc()).limit(1)).first()
    if order is None:
        return None
    case_id = db.session.scalar(select(delivery_case_orders.c.case_id).where(
        delivery_case_orders.c.order_id == order.id).order_by(delivery_case_orders.c.case_id.desc()).limit(1))
    if case_id is not None:
        return url_for("cases.case_page", case_id=case_id)
    return url_for("participants.participant_page", participant_id=order.participant_id)
