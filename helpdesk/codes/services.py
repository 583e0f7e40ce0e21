"""Codes: one batch upsert for the import and the API, and the look-up agents use while a participant waits.

A code is keyed by :func:`code_key` within its program. An upsert that changes nothing writes nothing, so an
import run twice reports every row unchanged. A row may carry only some fields: an existing code keeps the
others (a file of codes and statuses is a status update); a new code needs its status.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select, update

from helpdesk.actors import Actor, can_access
from helpdesk.cases.services import log_activity
from helpdesk.codes.models import Code, CodeEvent, CodeStatus, case_codes
from helpdesk.database import utcnow
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from helpdesk.rewards.orders import MAX_POINTS
from helpdesk.upserts import Outcome, Result
from helpdesk.validation import FieldErrors, within_years

MAX_VALUE = 64
FIELDS = ("status", "points", "participant_external_id", "used_at", "expires_at")
STORED = ("status", "points", "participant_id", "used_at", "expires_at")
_SPACE = re.compile(r"\s+")
NOW = func.current_timestamp()


def code_key(value: str) -> str:
    """The compared form of a code: without white space, upper-cased ("ab12 cd" is "AB12CD")."""
    return _SPACE.sub("", value).upper()


def clean_code(data: dict, errors: FieldErrors, *, given: set[str] | None = None) -> dict:
    """The code's fields checked and converted (only those in ``given``, by default those in ``data``)."""
    given = set(data) & set(FIELDS) if given is None else given
    clean = {}
    if "status" in given:
        clean["status"] = errors.choice("status", _stripped(data.get("status")), CodeStatus)
    if "points" in given:
        clean["points"] = errors.check("points", lambda: _points(data.get("points")))
    if "participant_external_id" in given:
        clean["participant_external_id"] = errors.text("participant_external_id", data.get("participant_external_id"),
                                                       max_length=64, required=False) or None
    for name in ("used_at", "expires_at"):
        if name in given:
            clean[name] = errors.check(name, lambda name=name: _moment(data.get(name)))
    return clean


def clean_value(value, errors: FieldErrors) -> str | None:
    value = errors.text("value", value, max_length=MAX_VALUE)
    if value is not None and not code_key(value):
        errors.add("value", _("is required"))
        return None
    return value


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _points(value) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        if not re.fullmatch(r"\s*[0-9]{1,10}\s*", value):
            raise ValueError("must be a whole number of points, 0 or more")
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_POINTS:
        raise ValueError("must be a whole number of points, 0 or more")
    return value


def _moment(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError("is not an ISO 8601 date or date-time (e.g. 2026-11-08T14:30:00Z)") from None
    return within_years(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC))


def apply_codes(program: Program, items: list[dict], *, actor: Actor,
                participant_ids: dict[str, int] | None = None) -> list[Outcome]:
    """Upsert cleaned codes (each with ``value`` and the fields it gives; no key twice) in a few queries.

    ``participant_ids`` caches external id -> id across the chunks of one import.
    """
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    known = {} if participant_ids is None else participant_ids
    wanted = {item["participant_external_id"] for item in items if item.get("participant_external_id")}
    missing = wanted.difference(known)
    if missing:
        known.update(db.session.execute(select(Participant.external_id, Participant.id).where(
            Participant.program_id == program.id, Participant.external_id.in_(missing))).all())
    codes = Code.__table__
    existing = {row.key: row for row in db.session.execute(
        select(codes.c.key, codes.c.id, *(codes.c[name] for name in STORED))
        .where(codes.c.program_id == program.id, codes.c.key.in_([code_key(item["value"]) for item in items])))}
    outcomes, inserts, updates = [], [], []
    for item in items:
        key = code_key(item["value"])
        row = existing.get(key)
        values = {name: item[name] for name in STORED if name in item}
        external_id = item.get("participant_external_id", ...)
        if external_id is not ... :
            values["participant_id"] = known.get(external_id) if external_id else None
            if external_id and values["participant_id"] is None:
                outcomes.append(Outcome(Result.REJECTED, {"participant_external_id": (
                    f"no participant {external_id!r} in program {program.code}")}))
                continue
        if row is None:
            if values.get("status") is None:
                outcomes.append(Outcome(Result.REJECTED, {"status": "is required for a new code"}))
                continue
            inserts.append({"program_id": program.id, "value": item["value"], "key": key, "points": 0,
                            "participant_id": None, "used_at": None, "expires_at": None, **values})
            existing[key] = None
            outcomes.append(_CREATED)
        elif all(getattr(row, name) == value for name, value in values.items()):
            outcomes.append(_UNCHANGED)
        else:
            updates.append({**{name: getattr(row, name) for name in STORED}, **values, "_id": row.id})
            outcomes.append(_UPDATED)
    if inserts:
        db.session.execute(insert(codes).values(created_at=NOW, updated_at=NOW), inserts)
    if updates:
        db.session.execute(update(codes).where(codes.c.id == bindparam("_id"))
                           .values({**{name: bindparam(name) for name in STORED}, "updated_at": NOW}), updates)
    return outcomes


_CREATED, _UPDATED, _UNCHANGED = Outcome(Result.CREATED), Outcome(Result.UPDATED), Outcome(Result.UNCHANGED)


def upsert_code(program: Program, value, data: dict, *, actor: Actor) -> tuple[Code, Result]:
    """Create or update one code with the fields given; returns it and what happened."""
    errors = FieldErrors()
    value = clean_value(value, errors)
    clean = clean_code(data, errors)
    errors.raise_if_any()
    outcome = apply_codes(program, [{**clean, "value": value}], actor=actor)[0]
    if outcome.errors:
        raise ValidationError(outcome.errors)
    return find_code(program, value), outcome.result


def find_code(program: Program, value: str) -> Code | None:
    return db.session.scalar(select(Code).where(Code.program_id == program.id, Code.key == code_key(value))
                             .execution_options(populate_existing=True))


# Characters read for one another on the phone or from a receipt.
CONFUSED = {"O": "0", "0": "O", "I": "1", "1": "I", "L": "1", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2",
            "2": "Z"}
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
MAX_CONFUSIONS = 6  # up to 2**6 readings of a code's confusable characters


def near_keys(key: str) -> set[str]:
    """Keys one typing slip away from ``key``: a wrong, missing, extra or swapped character, and any mix of the
    confusions O/0, I/1/L, S/5, B/8, Z/2. Looked up by the unique index, never by scanning the register."""
    found = set()
    for i in range(len(key)):
        found.add(key[:i] + key[i + 1:])
        found.update(key[:i] + c + key[i + 1:] for c in ALPHABET)
        if i + 1 < len(key):
            found.add(key[:i] + key[i + 1] + key[i] + key[i + 2:])
    for i in range(len(key) + 1):
        found.update(key[:i] + c + key[i:] for c in ALPHABET)
    readings = {""}
    confusable = 0
    for char in key:
        options = [char]
        if char in CONFUSED and confusable < MAX_CONFUSIONS:
            options.append(CONFUSED[char])
            confusable += 1
        readings = {reading + option for reading in readings for option in options}
    found |= readings
    found.discard(key)
    return {candidate for candidate in found if candidate and len(candidate) <= MAX_VALUE}


@dataclass
class LookUp:
    query: str
    code: Code | None = None
    near: list[Code] = field(default_factory=list)

    @property
    def unknown(self) -> bool:
        return self.code is None


def look_up_code(value: str, program_ids, *, limit: int = 5) -> LookUp:
    """The code of one of ``program_ids`` (None: any program), or the closest ones when it is unknown."""
    key = code_key(value)[:MAX_VALUE]
    result = LookUp(value)
    if not key:
        return result
    if program_ids is None:  # the program id leads the unique index on (program_id, key)
        program_ids = db.session.scalars(select(Program.id)).all()
    scope = [Code.program_id.in_(program_ids)]
    result.code = db.session.scalar(select(Code).where(Code.key == key, *scope).order_by(Code.id).limit(1))
    if result.code is None:
        result.near = list(db.session.scalars(select(Code).where(Code.key.in_(sorted(near_keys(key))), *scope)
                                              .order_by(Code.key).limit(limit)))
    return result


def case_code(case) -> str | None:
    """The code recorded on a "code not accepted" case, as the caller gave it."""
    return db.session.scalar(select(case_codes.c.value).where(case_codes.c.case_id == case.id))


def record_case_code(case, value, *, actor: Actor) -> str:
    """Record on ``case`` the code it is about (replacing one recorded before); the timeline says so."""
    errors = FieldErrors()
    value = clean_value(value, errors)
    errors.raise_if_any()
    previous = case_code(case)
    if previous == value:
        return value
    if previous is None:
        db.session.execute(insert(case_codes).values(case_id=case.id, value=value, recorded_at=utcnow()))
    else:
        db.session.execute(update(case_codes).where(case_codes.c.case_id == case.id)
                           .values(value=value, recorded_at=utcnow()))
    log_activity(case, CodeEvent.CODE_RECORDED, actor=actor, value=value, old=previous)
    return value
