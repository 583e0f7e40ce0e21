"""Participants: upsert from the loyalty platform, look-up for agents."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select, update

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import changes_between, record, snapshot
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.folding import fold
from helpdesk.participants.models import Participant
from helpdesk.phones import normalize_phone, region_of
from helpdesk.privacy.blocked import ERASED_ID_PREFIX, phone_was_erased
from helpdesk.programs.models import LOCALES, Program
from helpdesk.upserts import Outcome, Result
from helpdesk.validation import FieldErrors

MAX_POINTS = 2_000_000_000
AUDITED = ("external_id", "first_name", "last_name", "phone", "email", "locale", "points_balance")


def name_key(name: str) -> str:
    """The look-up form of a name: folded, so 'WIŚNIEWSKA', 'Wiśniewska' and 'wisniewska' meet."""
    return fold(name)[:120]


def get_participant(participant_id: int, *, actor: Actor) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or not can_access(actor, participant.program_id):
        raise NotFound("no such participant")
    return participant


def find_by_external_id(program: Program, external_id: str) -> Participant | None:
    """The participant the loyalty platform knows as ``external_id``; never an erased one."""
    return db.session.scalar(select(Participant).where(
        Participant.program_id == program.id, Participant.external_id == external_id, Participant.erased_at.is_(None)))


def upsert_participant(program: Program, external_id, data: dict, *, actor: Actor,
                       by_hand: bool = False) -> tuple[Participant, bool]:
    """Create or update the participant known to the loyalty platform as ``external_id``.

    Returns ``(participant, created)``. Every invalid field is reported at once; nothing is written then. The
    phone of an erased participant who had opted out creates no participant again, unless ``by_hand`` (an
    agent enters them anew).
    """
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    external_id = errors.text("external_id", external_id, max_length=64)
    fields = clean_participant_fields(program, data, errors)
    if external_id and external_id.startswith(ERASED_ID_PREFIX):
        errors.add("external_id", _("may not start with %(prefix)s (kept for erased participants)",
                                    prefix=ERASED_ID_PREFIX))
    errors.raise_if_any()
    participant = find_by_external_id(program, external_id)
    created = participant is None
    if created and not by_hand and phone_was_erased(program.id, fields["phone"]):
        raise ValidationError("phone", _("belongs to an erased participant who opted out; enter them by hand if "
                                         "they came back"))
    if created:
        participant = Participant(program=program, external_id=external_id)
        db.session.add(participant)
    before = dict.fromkeys(AUDITED) if created else snapshot(participant, AUDITED)
    for key, value in fields.items():
        setattr(participant, key, value)
    db.session.flush()
    if changes := changes_between(before, snapshot(participant, AUDITED)):
        record("participant.created" if created else "participant.changed", actor=actor, target=participant,
               changes=changes)
    return participant, created


def create_participant(program: Program, external_id, data: dict, *, actor: Actor) -> Participant:
    """A new participant entered by an agent; an external id that exists already is an error, not an update."""
    if external_id and find_by_external_id(program, str(external_id).strip()):
        errors = FieldErrors()
        errors.add("external_id", _("belongs to another participant of this program"))
        errors.raise_if_any()
    participant, _outcome = upsert_participant(program, external_id, data, actor=actor, by_hand=True)
    return participant


PARTICIPANT_FIELDS = ("first_name", "last_name", "phone", "email", "locale", "points_balance")


def clean_participant_fields(program: Program, data: dict, errors: FieldErrors, *, given=PARTICIPANT_FIELDS) -> dict:
    """The participant's fields checked and converted: all of them (a new participant, the API's PUT), or only
    those ``given`` (a file that carries some columns updates only those)."""
    clean = {}
    if "first_name" in given:
        first = errors.text("first_name", data.get("first_name"), max_length=80)
        clean |= {"first_name": first, "first_name_key": name_key(first or "")}
    if "last_name" in given:
        last = errors.text("last_name", data.get("last_name"), max_length=80, required=False)
        clean |= {"last_name": last or "", "last_name_key": name_key(last or "")}
    if "phone" in given:
        clean["phone"] = None
        if data.get("phone"):
            clean["phone"] = errors.check("phone", lambda: normalize_phone(str(data["phone"]),
                                                                           region_of(program.hotline_number)))
    if "email" in given:
        clean["email"] = errors.check("email", lambda: _email(data["email"])) if data.get("email") else None
    if "locale" in given:
        clean["locale"] = data.get("locale") or program.locale
        if clean["locale"] not in LOCALES:
            errors.add("locale", f"must be one of {', '.join(LOCALES)}")
    if "points_balance" in given:
        points = data.get("points_balance", 0)
        if points in (None, ""):
            points = 0
        if isinstance(points, str) and points.strip().lstrip("-").isdigit():
            points = int(points)
        if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= MAX_POINTS:
            errors.add("points_balance", _("must be a whole number of points, 0 or more"))
        clean["points_balance"] = points
    return clean


def apply_participants(program: Program, items: list[tuple[str, dict]], *, actor: Actor) -> list[Outcome]:
    """Upsert many participants in a few queries: ``items`` are ``(external_id, fields)``, the fields cleaned by
    :func:`clean_participant_fields` (all of them, or some), no external id twice. An existing participant
    gets the fields given; a new one needs the others too: the defaults, or an error (no first name).
    Returns each item's outcome."""
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    table = Participant.__table__
    columns = [table.c[name] for name in STORED]
    existing = {row.external_id: row for row in db.session.execute(
        select(table.c.external_id, table.c.id, *columns)
        .where(table.c.program_id == program.id, table.c.external_id.in_([external_id for external_id, _ in items])))}
    outcomes, inserts, updates = [], [], []
    for external_id, clean in items:
        row = existing.get(external_id)
        if row is None:
            errors = FieldErrors()
            missing = [name for name in PARTICIPANT_FIELDS if name not in clean]
            clean = {**clean_participant_fields(program, {}, errors, given=missing), **clean}
            if errors.fields:
                outcomes.append(Outcome(Result.REJECTED, errors.fields))
                continue
            inserts.append({"program_id": program.id, "external_id": external_id, "sms_opt_out": False, **clean})
            existing[external_id] = None
            outcomes.append(Outcome(Result.CREATED))
        elif all(getattr(row, name) == value for name, value in clean.items()):
            outcomes.append(Outcome(Result.UNCHANGED))
        else:
            updates.append({**{name: getattr(row, name) for name in STORED}, **clean, "_id": row.id})
            outcomes.append(Outcome(Result.UPDATED))
    if inserts:
        db.session.execute(insert(table).values(created_at=NOW, updated_at=NOW), inserts)
    if updates:
        db.session.execute(update(table).where(table.c.id == bindparam("_id"))
                           .values({**{name: bindparam(name) for name in STORED}, "updated_at": NOW}), updates)
    return outcomes


STORED = ("first_name", "last_name", "first_name_key", "last_name_key", "phone", "email", "locale",
          "points_balance")
NOW = func.current_timestamp()


def _email(value) -> str:
    if not isinstance(value, str) or len(value) > 254:
        raise ValueError("is not an email address")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address ({exc})") from None
