"""The change feed's writing side, and the catch-up read of a reconnecting page.

Features say what changed through signals (``timeline_written``, ``call_changed``); the changes of one
transaction are collected on its session and written just before it commits, one event per subject, as rows of
``live_events`` (and on PostgreSQL a NOTIFY, which the server delivers on commit and never for a transaction
that rolled back). A page then fetches what it shows through the pages that check access.
"""

import json
from dataclasses import asdict, dataclass

from sqlalchemy import delete, func, insert, select

from helpdesk.database import utcnow
from helpdesk.live.models import LiveEvent

CHANNEL = "helpdesk_live"
KEEP_EVENTS = 10_000  # the newest so many stay for catch-up; at ten changes a second, about a quarter of an hour
PRUNE_EVERY = 500
CATCH_UP_LIMIT = 500  # a page further behind than this reloads what it shows instead
# Timeline entries after which a case may have moved between queues (the queue counts change).
QUEUE_KINDS = frozenset({"created", "status", "assignee", "priority"})
_PENDING = "live_pending"


@dataclass(frozen=True)
class FeedEvent:
    id: int
    program_id: int
    topic: str
    case_id: int | None = None
    queues: bool = False
    call_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "FeedEvent":
        data = json.loads(text)
        return cls(int(data["id"]), int(data["program_id"]), str(data["topic"]), data.get("case_id"),
                   bool(data.get("queues")), data.get("call_id"))


# Not a change: what a page is sent when the feed cannot tell it what it missed; it reloads what it shows.
RESYNC = FeedEvent(0, 0, "refresh")


def _pending(session) -> dict:
    return session.info.setdefault(_PENDING, {})


def note_timeline_entry(session, case, kind: str) -> None:
    key = ("case", case.program_id, case.id)
    pending = _pending(session)
    pending[key] = pending.get(key, False) or kind in QUEUE_KINDS


def note_call_change(session, program_id: int, call_id: int) -> None:
    _pending(session).setdefault(("call", program_id, call_id), False)


def write_pending(session) -> list[FeedEvent]:
    """Before the transaction commits: its collected changes become events (called by the session's
    ``before_commit``)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    written = []
    for (topic, program_id, subject_id), queues in pending.items():
        case_id, call_id = (subject_id, None) if topic == "case" else (None, subject_id)
        event_id = session.execute(insert(LiveEvent).values(
            program_id=program_id, topic=topic, case_id=case_id, call_id=call_id, queues=queues, created_at=utcnow())
            .returning(LiveEvent.id)).scalar_one()
        event = FeedEvent(event_id, program_id, topic, case_id, queues, call_id)
        if postgres:
            session.execute(select(func.pg_notify(CHANNEL, event.to_json())))
        if event_id % PRUNE_EVERY == 0:
            session.execute(delete(LiveEvent).where(LiveEvent.id <= event_id - KEEP_EVENTS))
        written.append(event)
    return written


def forget_pending(session) -> None:
    session.info.pop(_PENDING, None)


def events_after(connection, last_id: int, limit: int = CATCH_UP_LIMIT) -> list[FeedEvent] | None:
    """The events after ``last_id``, oldest first; None when the feed no longer holds all of them (pruned, or
    more than ``limit``): the page should then reload what it shows."""
    rows = connection.execute(select(LiveEvent.__table__).where(LiveEvent.id > last_id).order_by(LiveEvent.id)
                              .limit(limit + 1)).all()
    if len(rows) > limit:
        return None
    oldest = connection.scalar(select(func.min(LiveEvent.id)))
    if oldest is not None and last_id < oldest - 1:
        return None
    return [FeedEvent(r.id, r.program_id, r.topic, r.case_id, r.queues, r.call_id) for r in rows]


def newest_id(connection) -> int:
    return connection.scalar(select(func.coalesce(func.max(LiveEvent.id), 0)))
