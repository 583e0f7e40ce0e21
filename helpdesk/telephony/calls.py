"""Calls for agents: the live panel with its screen pop, the call log, taking a call."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.actors import Actor, can_access
from helpdesk.auth.models import User
from helpdesk.cases.models import Case
from helpdesk.cases.services import take_case
from helpdesk.database import utcnow
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.pagination import Page, SortKey, decode_cursor, encode_cursor
from helpdesk.signals import call_changed
from helpdesk.telephony.models import CALL_LIST_LOADS, LIVE_CALL_STATUSES, Call, CallOutcome
from helpdesk.validation import parse_day, parse_id

LIVE_WINDOW = timedelta(hours=2)  # a call whose final status never came is not "live" forever
ENDED_SHOWN = timedelta(minutes=2)  # the call bar keeps an ended call (missed, voicemail) this long
CALL_BAR_LIMIT = 5
LIVE_LIMIT = 50
OPEN_CASES_SHOWN = 5
_NEWEST = SortKey(((Call.id, True),))


def _scoped(query, actor: Actor):
    visible = actor.visible_program_ids()
    return query if visible is None else query.where(Call.program_id.in_(visible))


def live_calls(*, actor: Actor, ended_since: datetime | None = None, limit: int = LIVE_LIMIT) -> list[Call]:
    """Ringing and ongoing calls, newest first; with ``ended_since``, also the calls that ended after it."""
    now = utcnow()
    current = Call.status.in_(LIVE_CALL_STATUSES) & Call.ended_at.is_(None)
    if ended_since is not None:
        current = current | (Call.ended_at >= ended_since)
    query = select(Call).options(*CALL_LIST_LOADS).where(Call.started_at >= now - LIVE_WINDOW, current)
    return list(db.session.scalars(_scoped(query, actor).order_by(Call.id.desc()).limit(limit)))


def call_bar_calls(*, actor: Actor) -> list[Call]:
    """What the call bar on every page shows: ringing and ongoing calls, and those that ended a moment ago."""
    return live_calls(actor=actor, ended_since=utcnow() - ENDED_SHOWN, limit=CALL_BAR_LIMIT)


def call_state(call: Call) -> str:
    """ringing, answered, voicemail or missed, as agents see it: a caller in the menu or waiting while the
    on-duty phones ring is still ringing for them."""
    if call.outcome == CallOutcome.VOICEMAIL:
        return "voicemail"
    if call.outcome == CallOutcome.ANSWERED or call.agent_id is not None:
        return "answered"
    if call.ended_at is not None or call.outcome == CallOutcome.MISSED:
        return "missed"
    return "ringing"


def open_cases_by_participant(calls: list[Call]) -> dict[int, list[Case]]:
    """The callers' open cases in one query (newest first, a few each): the screen pop's history."""
    ids = {call.participant_id for call in calls if call.participant_id}
    if not ids:
        return {}
    rows = db.session.scalars(select(Case).where(Case.participant_id.in_(ids), Case.is_open.is_(True))
                              .order_by(Case.id.desc()).limit(len(ids) * OPEN_CASES_SHOWN * 4))
    grouped: dict[int, list[Case]] = {}
    for case in rows:
        cases = grouped.setdefault(case.participant_id, [])
        if len(cases) < OPEN_CASES_SHOWN:
            cases.append(case)
    return grouped


def seconds_in_call_bar(call: Call) -> int | None:
    """How long an ended call stays in the call bar from now; None while it goes on."""
    if call.ended_at is None:
        return None
    return max(0, int((call.ended_at + ENDED_SHOWN - utcnow()).total_seconds()))


def call_state_label(call: Call) -> str:
    """The call's state in words for agents: "Ringing", "Answered by Olga", "Voicemail", "Missed"."""
    state = call_state(call)
    if state == "answered":
        return _("Answered by %(name)s", name=call.agent.name) if call.agent else _("Answered")
    return {"ringing": _("Ringing"), "voicemail": _("Voicemail"), "missed": _("Missed")}[state]


def get_call(call_id: int, *, actor: Actor) -> Call:
    call = db.session.get(Call, call_id)
    if call is None or not can_access(actor, call.program_id):
        raise NotFound("no such call")
    return call


def take_call(call: Call, *, actor: User) -> Call:
    """The agent takes the call: it is theirs in the call log, and so is its case."""
    call.agent = actor
    if call.case is not None and call.case.assignee_id != actor.id and call.case.is_open:
        take_case(call.case, actor=actor)
    db.session.flush()
    call_changed.send(call.program_id, call_id=call.id)
    return call


@dataclass
class CallFilters:
    program_id: int | None = None
    timezone: str = "UTC"
    day_from: date | None = None
    day_to: date | None = None
    agent_id: int | None = None
    outcome: CallOutcome | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The dates as UTC instants, in the program's timezone (UTC when no program is chosen)."""
        tz = ZoneInfo(self.timezone)
        start = datetime.combine(self.day_from, time(0), tzinfo=tz) if self.day_from else None
        end = datetime.combine(self.day_to + timedelta(days=1), time(0), tzinfo=tz) if self.day_to else None
        return start, end


def parse_call_filters(args, programs_by_code: dict) -> CallFilters:
    filters = CallFilters()
    if args.get("program"):
        program = programs_by_code.get(args["program"])
        if program is None:
            raise ValidationError("program", "is not a program you serve")
        filters.program_id, filters.timezone = program.id, program.timezone
    for name in ("day_from", "day_to"):
        if args.get(name):
            try:
                setattr(filters, name, parse_day(args[name]))
            except ValueError as exc:
                raise ValidationError(name, str(exc)) from None
    if args.get("agent"):
        filters.agent_id = parse_id(args["agent"])
        if filters.agent_id is None:
            raise ValidationError("agent", "is not a user")
    if args.get("outcome"):
        try:
            filters.outcome = CallOutcome(args["outcome"])
        except ValueError:
            raise ValidationError("outcome", "must be answered, missed or voicemail") from None
    return filters


def call_log(filters: CallFilters, *, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page:
    query = _scoped(select(Call).options(*CALL_LIST_LOADS), actor)
    start, end = filters.bounds()
    if filters.program_id is not None:
        query = query.where(Call.program_id == filters.program_id)
    if start is not None:
        query = query.where(Call.started_at >= start)
    if end is not None:
        query = query.where(Call.started_at < end)
    if filters.agent_id is not None:
        query = query.where(Call.agent_id == filters.agent_id)
    if filters.outcome is not None:
        query = query.where(Call.outcome == filters.outcome)
    if cursor:
        _, values = decode_cursor(cursor, [int])
        query = query.where(_NEWEST.after(values))
    rows = list(db.session.scalars(query.order_by(*_NEWEST.order_by()).limit(limit + 1)))
    page = Page(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = encode_cursor([rows[limit - 1].id])
    return page
