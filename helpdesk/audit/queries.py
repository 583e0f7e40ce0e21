"""Reading the audit log: filtered pages newest first (keyset, so page 4,000 costs what page 1 does) and the
chunked walk behind the CSV export and the API."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from helpdesk.actors import Actor
from helpdesk.audit.models import AuditEvent
from helpdesk.extensions import db
from helpdesk.pagination import Page, SortKey, keyset_page

NEWEST_FIRST = SortKey(((AuditEvent.occurred_at, True), (AuditEvent.id, True)))
CURSOR_TYPES = [datetime, int]


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None  # a user's e-mail, a token's or job's name, exactly
    action: str | None = None
    program_id: int | None = None
    target_type: str | None = None
    target_id: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive


def audit_query(filters: AuditFilters, *, actor: Actor):
    """The events ``actor`` may read that match ``filters``: a manager's are those of their programs."""
    query = select(AuditEvent)
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(AuditEvent.program_id.in_(visible or {0}))
    if filters.program_id is not None:
        query = query.where(AuditEvent.program_id == filters.program_id)
    if filters.actor:
        query = query.where(AuditEvent.actor_name == filters.actor)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.target_type:
        query = query.where(AuditEvent.target_type == filters.target_type)
        if filters.target_id:
            query = query.where(AuditEvent.target_id == filters.target_id)
    if filters.start is not None:
        query = query.where(AuditEvent.occurred_at >= filters.start)
    if filters.end is not None:
        query = query.where(AuditEvent.occurred_at < filters.end)
    return query


def list_audit_events(filters: AuditFilters, *, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page:
    """One page, newest first; a bad cursor is a ValidationError("cursor")."""
    return keyset_page(audit_query(filters, actor=actor), NEWEST_FIRST, CURSOR_TYPES, _edge, cursor=cursor,
                       limit=limit)


def iter_audit_events(filters: AuditFilters, *, actor: Actor, chunk: int = 1000) -> Iterator[AuditEvent]:
    """Every matching event, newest first, read ``chunk`` rows at a time (memory stays bounded)."""
    values = None
    while True:
        query = audit_query(filters, actor=actor)
        if values is not None:
            query = query.where(NEWEST_FIRST.after(values))
        rows = list(db.session.scalars(query.order_by(*NEWEST_FIRST.order_by()).limit(chunk)))
        yield from rows
        if len(rows) < chunk:
            return
        values = _edge(rows[-1])
        for row in rows:
            db.session.expunge(row)  # the session holds one chunk at a time


def _edge(event: AuditEvent) -> list:
    return [event.occurred_at, event.id]
