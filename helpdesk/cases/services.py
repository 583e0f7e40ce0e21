"""Cases: the one path through which a case is opened and changed, each change written to its timeline."""

from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select, update

from helpdesk.actors import Actor, SystemActor, can_access
from helpdesk.auth.models import Role, User, user_programs
from helpdesk.cases.categories import resolve_category
from helpdesk.cases.models import CASE_PAGE_LOADS, Case, CaseEvent, Channel, EventKind, Priority, Status
from helpdesk.cases.sla import refresh_next_deadline, set_due_times
from helpdesk.database import utcnow
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.pagination import Page, SortKey, decode_cursor, encode_cursor
from helpdesk.participants.models import Participant
from helpdesk.participants.services import create_participant
from helpdesk.programs.models import Program
from helpdesk.signals import case_status_changed, resolution_requested, timeline_written
from helpdesk.validation import FieldErrors

MAX_DESCRIPTION = 10_000
MAX_NOTE = 10_000
NOT_ASSIGNABLE = "is not an assignable user of this program"  # whatever the reason: no oracle of staff addresses

# Where a case may go from each status. "new" is only ever the first status.
TRANSITIONS: dict[Status, set[Status]] = {
    Status.NEW: {Status.OPEN, Status.PENDING_PARTICIPANT, Status.PENDING_VENDOR, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.PENDING_PARTICIPANT, Status.PENDING_VENDOR, Status.RESOLVED, Status.CLOSED},
    Status.PENDING_PARTICIPANT: {Status.OPEN, Status.PENDING_VENDOR, Status.RESOLVED, Status.CLOSED},
    Status.PENDING_VENDOR: {Status.OPEN, Status.PENDING_PARTICIPANT, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}

UNCHANGED = object()


def get_case(case_id: int, *, actor: Actor) -> Case:
    case = db.session.get(Case, case_id, options=CASE_PAGE_LOADS)
    if case is None or not can_access(actor, case.program_id):
        raise NotFound("no such case")
    return case


def _author(actor: Actor) -> dict:
    return {"author_id": actor.id if isinstance(actor, User) else None, "author_name": actor.display_name}


def _staff_acted(case: Case, actor: Actor) -> None:
    """A staff member has seen to the participant's latest text: the queues' "new text" marker goes."""
    if not isinstance(actor, SystemActor):
        case.participant_texted_at = None


def _record(case: Case, kind: EventKind, actor: Actor, *, body: str = "", is_public: bool = False, **data) -> None:
    db.session.add(CaseEvent(case_id=case.id, kind=kind.value, body=body, is_public=is_public, data=data,
                             created_at=case.updated_at, **_author(actor)))
    timeline_written.send(case, kind=kind.value)


def _next_number(program: Program) -> int:
    """Allocate the program's next case number atomically (row lock on PostgreSQL, write lock on SQLite)."""
    return db.session.execute(
        update(Program).where(Program.id == program.id)
        .values(last_case_number=Program.last_case_number + 1)
        .returning(Program.last_case_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def open_case(program: Program, *, participant: Participant | None, channel, category, subject, description="",
              priority="normal", assignee: User | None = None, actor: Actor) -> Case:
    if not can_access(actor, program.id):
        raise NotFound(f"no program {program.code!r}")
    errors = FieldErrors()
    channel = errors.choice("channel", channel, Channel)
    chosen = errors.check("category", lambda: resolve_category(program, category))
    subject = errors.text("subject", subject, max_length=200)
    description = errors.text("description", description, max_length=MAX_DESCRIPTION, required=False)
    priority = _priority(priority, errors)
    if participant is not None and participant.program_id != program.id:
        errors.add("participant_external_id", _("belongs to another program"))
    if assignee is not None:
        _check_assignee(assignee, program, errors)
    errors.raise_if_any()

    category, custom_category = chosen
    now = utcnow()
    case = Case(program=program, participant=participant, number=_next_number(program), channel=channel,
                category=category, custom_category=custom_category, subject=subject, description=description,
                priority=priority, status=Status.NEW, assignee=assignee, created_at=now, updated_at=now)
    if channel == Channel.PHONE and isinstance(actor, User):
        case.first_response_at = now  # the agent opening a phone case is already talking to the participant
    set_due_times(case)
    db.session.add(case)
    db.session.flush()
    _record(case, EventKind.CREATED, actor, channel=channel.value, category=category.value,
            custom_category=case.custom_category_id, priority=priority.key,
            assignee=assignee.email if assignee else None)
    return case


def update_case(case: Case, *, actor: Actor, status=None, priority=None, category=None, assignee=UNCHANGED,
                participant=UNCHANGED, note: str | None = None) -> Case:
    """Apply any of the changes at once; each one that changes something becomes a timeline event.

    ``assignee`` is a User, or None to unassign; leave it out to keep the current one. ``category`` is a value
    of :mod:`helpdesk.cases.categories` (``"points"``, ``"custom:12"``).
    """
    if not can_access(actor, case.program_id):
        raise NotFound("no such case")
    errors = FieldErrors()
    new_status = errors.choice("status", status, Status, required=False)
    new_priority = _priority(priority, errors) if priority not in (None, "") else None
    new_category = errors.check("category", lambda: resolve_category(case.program, category)) \
        if category not in (None, "") else None
    if assignee not in (UNCHANGED, None):
        _check_assignee(assignee, case.program, errors)
    if participant not in (UNCHANGED, None) and participant.program_id != case.program_id:
        errors.add("participant", _("belongs to another program"))
    if note is not None:
        note = errors.text("note", note, max_length=MAX_NOTE)
    errors.raise_if_any()
    if new_status is not None and new_status != case.status and new_status not in TRANSITIONS[case.status]:
        raise Conflict(_transition_refusal(case.status, new_status))
    if new_status in (Status.RESOLVED, Status.CLOSED) and new_status != case.status:
        for _receiver, reason in resolution_requested.send(case):
            if reason:
                raise Conflict(reason)
    if case.status == Status.CLOSED and (new_priority or new_category or assignee is not UNCHANGED
                                         or participant is not UNCHANGED):
        raise Conflict("the case is closed; only notes can be added, open a new case instead")

    case.updated_at = now = utcnow()
    old_status = case.status
    _staff_acted(case, actor)
    if note is not None:
        _record(case, EventKind.NOTE, actor, body=note)  # internal: replies to the participant are texts
    if new_priority is not None and new_priority != case.priority:
        _record(case, EventKind.PRIORITY, actor, old=case.priority.key, new=new_priority.key)
        case.priority = new_priority
        set_due_times(case)
    if new_category is not None and new_category != (case.category, case.custom_category):
        new_custom = new_category[1].id if new_category[1] else None
        _record(case, EventKind.CATEGORY, actor, old=case.category.value, old_custom=case.custom_category_id,
                new=new_category[0].value, new_custom=new_custom)
        case.category, case.custom_category = new_category
    if assignee is not UNCHANGED and assignee != case.assignee:
        _record(case, EventKind.ASSIGNEE, actor, old=case.assignee.email if case.assignee else None,
                new=assignee.email if assignee else None)
        case.assignee = assignee
    if participant is not UNCHANGED and participant != case.participant:
        _record(case, EventKind.PARTICIPANT, actor, new=participant.external_id if participant else None)
        case.participant = participant
    if new_status is not None and new_status != case.status:
        _change_status(case, new_status, actor, now)
    refresh_next_deadline(case)
    db.session.flush()
    if case.status != old_status:
        case_status_changed.send(case, old=old_status, new=case.status, actor=actor)
    return case


def log_activity(case: Case, kind: StrEnum, *, actor: Actor, body: str = "", is_public: bool = False,
                 responds: bool = False, **data) -> CaseEvent:
    """Write a feature's activity (a call, a message, a script run, a survey answer) to the case timeline.

    ``kind`` is a member of the feature's own enum of timeline entries (``TelephonyEvent.CALL``...).
    Features never add CaseEvent rows themselves: this keeps ``updated_at`` and the history in step.
    ``responds`` marks the activity as a response to the participant (an answered call, an SMS reply),
    which stops the first-response clock.
    """
    if not can_access(actor, case.program_id):
        raise NotFound("no such case")
    case.updated_at = utcnow()
    if responds:
        _staff_acted(case, actor)
    if responds and case.first_response_at is None:
        case.first_response_at = case.updated_at
        refresh_next_deadline(case)
    event = CaseEvent(case_id=case.id, kind=kind.value, body=body, is_public=is_public, data=data,
                      created_at=case.updated_at, **_author(actor))
    db.session.add(event)
    db.session.flush()
    timeline_written.send(case, kind=event.kind)
    return event


def take_case(case: Case, *, actor: User) -> Case:
    """The agent takes the case; a new case becomes open at the same time."""
    status = Status.OPEN if case.status == Status.NEW else None
    return update_case(case, actor=actor, assignee=actor, status=status)


def _change_status(case: Case, new: Status, actor: Actor, now) -> None:
    _record(case, EventKind.STATUS, actor, old=case.status.value, new=new.value)
    if new == Status.RESOLVED:
        case.resolved_at = now
        case.first_response_at = case.first_response_at or now
    elif new == Status.CLOSED:
        case.closed_at = now
        case.resolved_at = case.resolved_at or now
    elif case.status == Status.RESOLVED:
        case.resolved_at = None  # reopened
    case.status = new


def _transition_refusal(old: Status, new: Status) -> str:
    if old == Status.CLOSED:
        return f"a closed case cannot become {new.value}; open a new case instead"
    if new == Status.NEW:
        return "a case cannot go back to new"
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[old]))
    return f"a {old.value} case cannot become {new.value} (allowed: {allowed})"


def _priority(value, errors: FieldErrors) -> Priority | None:
    if isinstance(value, Priority):
        return value
    try:
        return Priority.from_key(str(value))
    except KeyError:
        errors.add("priority", f"must be one of {', '.join(p.key for p in Priority)}")
        return None


def _check_assignee(user: User, program: Program, errors: FieldErrors) -> None:
    if not user.active or (user.visible_program_ids() is not None and program.id not in user.visible_program_ids()):
        errors.add("assignee", NOT_ASSIGNABLE)


def assignable_users(program: Program) -> list[User]:
    serving = select(user_programs.c.user_id).where(user_programs.c.program_id == program.id)
    return list(db.session.scalars(
        select(User).where(User.active, (User.id.in_(serving)) | (User.role == Role.ADMIN)).order_by(User.name)
    ))


def find_assignee(email: str | None) -> User | None:
    """The user behind ``assignee_email`` (None or "" unassigns); an unknown address is a field error, the same
    as for a user who may not take the case, so that the answer does not tell which staff addresses exist."""
    if not email:
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise ValidationError({"assignee_email": NOT_ASSIGNABLE})
    return user


def open_case_for_caller(program: Program, *, participant: Participant | None, new_participant: dict | None,
                         actor: Actor, **case_fields) -> Case:
    """The agent's "new case": for a known participant, a new one entered now, or an unknown caller."""
    if participant is None and new_participant and new_participant.get("external_id"):
        data = {k: v for k, v in new_participant.items() if k != "external_id"}
        participant = create_participant(program, new_participant["external_id"], data, actor=actor)
    return open_case(program, participant=participant, actor=actor, **case_fields)


def timeline(case: Case, limit: int = 500, *, after_id: int = 0) -> list[CaseEvent]:
    """The case's events, oldest first (the latest ``limit`` of them; only those after ``after_id`` if given)."""
    latest = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.id > after_id) \
        .order_by(CaseEvent.id.desc()).limit(limit)
    return list(reversed(db.session.scalars(latest).all()))


def staff_names(events: list[CaseEvent]) -> dict[str, str]:
    """Names of the staff the events name by e-mail (assignees), in one query: timelines show names."""
    emails = {e.data.get(key) for e in events if e.kind in (EventKind.ASSIGNEE, EventKind.CREATED)
              for key in ("old", "new", "assignee")} - {None}
    if not emails:
        return {}
    return dict(db.session.execute(select(User.email, User.name).where(User.email.in_(emails))).all())
TIMELINE_ORDER = SortKey(((CaseEvent.id, False),))  # oldest first, as the case page reads it


def timeline_page(case: Case, *, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of the case's timeline, oldest first; ``next_cursor`` leads on while there is more."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if cursor:
        _direction, values = decode_cursor(cursor, [int])
        query = query.where(TIMELINE_ORDER.after(values))
    rows = list(db.session.scalars(query.order_by(*TIMELINE_ORDER.order_by()).limit(limit + 1)))
    page = Page(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = encode_cursor([rows[limit - 1].id])
    return page
