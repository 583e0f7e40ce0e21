"""The agents' queues: filtered, sorted, keyset-paginated lists of cases, each page one indexed query."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.actors import Actor
from helpdesk.auth.models import User
from helpdesk.cases.models import CASE_PAGE_LOADS, Case, Category, Priority, Status
from helpdesk.database import utcnow
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.pagination import Page, SortKey, keyset_page
from helpdesk.validation import parse_id

QUEUES = {
    "mine": _l("My cases"),
    "unassigned": _l("Unassigned"),
    "open": _l("All open"),
    "breaching": _l("Breaching SLA"),
    "all": _l("All cases"),
}

SORTS = {
    "newest": (SortKey(((Case.id, True),)), [int], lambda c: [c.id]),
    "oldest": (SortKey(((Case.id, False),)), [int], lambda c: [c.id]),
    "due": (SortKey(((Case.sla_due_at, False), (Case.id, False))), [datetime, int], lambda c: [c.sla_due_at, c.id]),
    "priority": (SortKey(((Case.priority, True), (Case.id, False))), [int, int], lambda c: [int(c.priority), c.id]),
}
SORT_LABELS = {"newest": _l("Newest"), "oldest": _l("Oldest"), "due": _l("SLA due first"), "priority": _l("Priority")}
COUNT_CAP = 1000


@dataclass
class CaseFilters:
    program_id: int | None = None
    status: Status | None = None
    priority: Priority | None = None
    category: Category | None = None
    assignee_id: int | None = None  # 0 means unassigned
    participant_id: int | None = None

    @classmethod
    def parse(cls, args, programs_by_code: dict) -> "CaseFilters":
        """Filters from query arguments; an unknown value is a ValidationError naming the argument."""
        filters = cls()
        try:
            if args.get("program"):
                program = programs_by_code.get(args["program"])
                if program is None:
                    raise ValidationError("program", "is not a program you serve")
                filters.program_id = program.id
            if args.get("status"):
                filters.status = _enum_arg("status", args["status"], Status)
            if args.get("priority"):
                filters.priority = _enum_arg("priority", args["priority"].upper(), Priority.__getitem__)
            if args.get("category"):
                filters.category = _enum_arg("category", args["category"], Category)
            if args.get("assignee"):
                filters.assignee_id = 0 if args["assignee"] == "none" else parse_id(args["assignee"])
                if filters.assignee_id is None:
                    raise ValueError
        except ValueError:
            raise ValidationError("assignee", "is not a user") from None
        return filters


def _enum_arg(name, value, convert):
    try:
        return convert(value)
    except (ValueError, KeyError):
        raise ValidationError(name, f"unknown value {value[:40]!r}") from None


def default_sort(queue: str) -> str:
    return "due" if queue == "breaching" else "newest"


def queue_query(queue: str, filters: CaseFilters, *, actor: Actor):
    if queue not in QUEUES:
        raise ValidationError("queue", "is not a queue")
    query = select(Case)
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(Case.program_id.in_(visible))
    if queue != "all" and not (filters.status and not filters.status.is_open):
        query = query.where(Case.is_open.is_(True))
    if queue == "mine":
        query = query.where(Case.assignee_id == (actor.id if isinstance(actor, User) else -1))
    elif queue == "unassigned":
        query = query.where(Case.assignee_id.is_(None))
    elif queue == "breaching":
        query = query.where(Case.sla_due_at < utcnow())
    if filters.program_id is not None:
        query = query.where(Case.program_id == filters.program_id)
    if filters.status is not None:
        query = query.where(Case.status == filters.status)
    if filters.priority is not None:
        query = query.where(Case.priority == filters.priority)
    if filters.category is not None:
        query = query.where(Case.category == filters.category)
    if filters.assignee_id is not None:
        query = query.where(
            Case.assignee_id == filters.assignee_id if filters.assignee_id else Case.assignee_id.is_(None)
        )
    if filters.participant_id is not None:
        query = query.where(Case.participant_id == filters.participant_id)
    return query


def list_cases(queue: str, filters: CaseFilters, *, actor: Actor, sort: str | None = None,
               cursor: str | None = None, limit: int = 25) -> Page:
    """One page of a queue. Cursors come from a previous page; a bad one is a ValidationError("cursor")."""
    sort = sort or default_sort(queue)
    if sort not in SORTS:
        raise ValidationError("sort", f"must be one of {', '.join(SORTS)}")
    if sort == "due" and filters.status and not filters.status.is_open:
        sort = "newest"  # resolved and closed cases have no deadline left
    key, types, values_of = SORTS[sort]
    query = queue_query(queue, filters, actor=actor)
    if sort == "due":
        query = query.where(Case.sla_due_at.is_not(None))
    return keyset_page(query.options(*CASE_PAGE_LOADS), key, types, values_of, cursor=cursor, limit=limit)


def count_capped(queue: str, filters: CaseFilters, *, actor: Actor, cap: int = COUNT_CAP) -> int:
    """How many cases a queue holds, counting no further than ``cap`` (shown as "1000+")."""
    inner = queue_query(queue, filters, actor=actor).with_only_columns(Case.id).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(inner))
