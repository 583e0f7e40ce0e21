"""Satisfaction figures for a slice of a program's surveys: filtered by category, agent, reward or vendor, and
grouped by reward or by vendor (the orders linked to the case when the survey was sent, ``Survey.order_keys``).

The unfiltered dashboard sums :class:`SurveyDay` rows (by reward and vendor too). So does a slice of one reward
or vendor (its rows and those of its pairs with the other dimensions), and the tables by reward and vendor of
one category. Other slices' figures are aggregates over the surveys of the period themselves. A slice by
category or agent reads them from an index that holds every column the figures need
(``ix_surveys_program_category_day``, ``ix_surveys_program_agent_day``), without visiting the table, and counts
surveys per score rather than summing a CASE per score; the figures by agent, category and script version come
from one such scan. As on the unfiltered dashboard, only the surveys asked on the program's current scale count.
"""

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, true

from helpdesk.auth.models import User
from helpdesk.cases.models import Case, Category
from helpdesk.extensions import db
from helpdesk.pagination import Page, SortKey, decode_cursor, encode_cursor
from helpdesk.programs.models import Program
from helpdesk.reports import queries
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import Figures
from helpdesk.reports.reward_link import first_order_field
from helpdesk.surveys.models import Scale, Survey
from helpdesk.surveys.settings import scale_of
from helpdesk.surveys.stats import ORDER_DIMENSIONS
from helpdesk.validation import FieldErrors

MAX_FILTER = 200
# The dimensions the dashboard has a table for, and their columns.
KEYED = {"agent": Survey.agent_id, "category": Survey.category, "script": Survey.script_version}


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    agent: int | None = None
    reward: str | None = None  # a reward name
    vendor: str | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))

    def only(self) -> tuple[str, str] | None:
        """(filter, value) of a slice held by one filter alone."""
        held = [(f.name, str(getattr(self, f.name))) for f in fields(self) if getattr(self, f.name) is not None]
        return held[0] if len(held) == 1 else None

    def args(self) -> dict[str, str]:
        """As query arguments, for links that keep the filters."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None}


def parse_filters(args) -> Filters:
    """The filters of a request's query arguments; a bad one is a ValidationError naming it."""
    errors = FieldErrors()
    category = errors.text("category", args.get("category"), max_length=24, required=False) or None
    if category is not None and category not in Category._value2member_map_:
        errors.add("category", _("is not a category"))
    agent = (args.get("agent") or "").strip() or None
    if agent is not None and not (agent.isascii() and agent.isdigit() and len(agent) <= 18):
        errors.add("agent", _("is not a user id"))
    reward = errors.text("reward", args.get("reward"), max_length=MAX_FILTER, required=False) or None
    vendor = errors.text("vendor", args.get("vendor"), max_length=MAX_FILTER, required=False) or None
    errors.raise_if_any()
    return Filters(category, int(agent) if agent else None, reward, vendor)


def conditions(program: Program, period: Period, filters: Filters) -> list:
    """Where-clauses on :class:`Survey`: the program's surveys on its scale sent in the period, within the
    filters."""
    return [*any_scale(program, period, filters), Survey.scale == scale_of(program).top]


def any_scale(program: Program, period: Period, filters: Filters) -> list:
    """As :func:`conditions`, whatever scale the survey was asked on (the lists of surveys, which name it)."""
    return [Survey.program_id == program.id, Survey.sent_day >= period.start, Survey.sent_day <= period.end,
            *filter_conditions(filters)]


def filter_conditions(filters: Filters) -> list:
    where = []
    if filters.category is not None:
        where.append(Survey.category == filters.category)
    if filters.agent is not None:
        where.append(Survey.agent_id == filters.agent)
    for field in ORDER_DIMENSIONS:
        value = getattr(filters, field)
        if value is not None:
            keys = _order_keys(field)
            where.append(select(keys.c.value).where(keys.c.value == value).exists())
    return where


def _one_order(filters: Filters) -> tuple[str, str] | None:
    """(field, value) of a slice held to one reward or vendor alone: its figures are running totals."""
    only = filters.only()
    return only if only is not None and only[0] in ORDER_DIMENSIONS else None


def _per_score(*keys) -> list:
    """The columns of a GROUP BY ``keys`` and the score: the surveys and their unclear replies per score."""
    return [*keys, Survey.score, func.count(), func.coalesce(func.sum(Survey.unclear_replies), 0)]


def _folded(rows, scale: Scale) -> dict[tuple, Figures]:
    """Rows of :func:`_per_score` as figures per key (a tuple of the keys' values)."""
    counts: dict[tuple, tuple[dict, list[int]]] = {}  # key -> ({score: answers}, [surveys, unclear replies])
    for *key, score, surveys, unclear in rows:
        scores, totals = counts.setdefault(tuple(key), ({}, [0, 0]))
        totals[0] += surveys
        totals[1] += unclear
        if score is not None:
            scores[score] = scores.get(score, 0) + surveys
    return {key: Figures(scale, sent, sum(scores.values()), sum(n * k for n, k in scores.items()), unclear, scores)
            for key, (scores, (sent, unclear)) in counts.items()}


def _add(totals: dict, key, figures: Figures) -> None:
    totals[key] = totals[key] + figures if key in totals else figures


def _most_first(totals: dict) -> dict:
    """Most surveys first, then by key."""
    return dict(sorted(totals.items(), key=lambda item: (-item[1].sent, item[0])))


def _grouped(program: Program, period: Period, filters: Filters, *keys) -> dict[tuple, Figures]:
    rows = db.session.execute(select(*_per_score(*keys)).where(*conditions(program, period, filters))
                              .group_by(*keys, Survey.score))
    return _folded(rows, scale_of(program))


def by_keys(program: Program, period: Period, filters: Filters) -> dict[str, dict[str, Figures]]:
    """As :func:`helpdesk.reports.queries.by_key` for each of ``KEYED`` (dimension -> key -> figures), over the
    slice, from one scan of it grouped by the three (but by a dimension the filters hold to one value), or from
    the pair rows of the reward or vendor it is held to."""
    held_order = _one_order(filters)
    if held_order is not None:
        return {dimension: _most_first(queries.by_pair(program, period, *held_order, dimension))
                for dimension in KEYED}
    held = {"agent": filters.agent, "category": filters.category}
    grouped = [dimension for dimension in KEYED if held.get(dimension) is None]
    per_dimension: dict[str, dict[str, Figures]] = {dimension: {} for dimension in KEYED}
    for values, figures in _grouped(program, period, filters, *(KEYED[dimension] for dimension in grouped)).items():
        for dimension, value in {**held, **dict(zip(grouped, values, strict=True))}.items():
            _add(per_dimension[dimension], "" if value is None else str(value), figures)  # keyed as in SurveyDay
    return {dimension: _most_first(per_key) for dimension, per_key in per_dimension.items()}


def daily(program: Program, period: Period, filters: Filters) -> dict[tuple[date, str], Figures]:
    held_order = _one_order(filters)
    if held_order is not None:
        return queries.daily(program, period, *held_order)
    return {(day, ""): figures for (day,), figures in _grouped(program, period, filters, Survey.sent_day).items()}


def by_order(program: Program, period: Period, filters: Filters, field: str) -> list[tuple[str, Figures]]:
    """Figures per reward name (``field`` "reward") or vendor of the surveyed cases' orders, most surveys first.
    A case about two rewards counts for each; surveys of cases without an order are not in any row. Both ways
    count the orders linked when the survey was sent (``Survey.order_keys``): unfiltered or held by one category,
    reward or vendor from the running totals, other slices from their surveys' keys."""
    only = filters.only()
    if not filters:
        return list(_most_first(queries.by_key(program, field, period)).items())
    if only is not None and only[0] != "agent":  # no agent pairs: an agent's slice is small enough to scan
        return list(_most_first(queries.by_pair(program, period, *only, field)).items())
    keys = _order_keys(field)
    rows = db.session.execute(
        select(*_per_score(keys.c.value)).select_from(Survey).join(keys, true())
        .where(*conditions(program, period, filters), Survey.order_keys.is_not(None))
        .group_by(keys.c.value, Survey.score))
    return [(key, figures) for (key,), figures in _most_first(_folded(rows, scale_of(program))).items()]


def _order_keys(field: str):
    """The survey's keys under ``field`` ({"reward": [...], "vendor": [...]}) as a table of ``value``s."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(Survey.order_keys[field]).table_valued("value")
    return func.json_each(Survey.order_keys, f"$.{field}").table_valued("value")


def responses(program: Program, period: Period, filters: Filters, chunk: int = 2000) -> Iterator:
    """Every survey sent in the period within the filters, oldest first, as plain rows read in chunks (the CSV)."""
    query = (select(Case.number, Survey.sent_at, Survey.status, Survey.scale, Survey.score, Survey.raw_reply,
                    Survey.answered_at, Survey.comment, Survey.comment_at, User.name, Survey.category,
                    Survey.script_version, Survey.follow_up, first_order_field("reward", Survey.case_id),
                    first_order_field("vendor", Survey.case_id))
             .join(Case, Case.id == Survey.case_id).outerjoin(User, User.id == Survey.agent_id)
             .where(*any_scale(program, period, filters))
             .order_by(Survey.sent_day, Survey.id).execution_options(yield_per=chunk))
    yield from db.session.execute(query)


# The days sent, then ids: the program's range of ix_surveys_program_sent_day in its own order (ids alone would
# sort the whole period before the first page).
RESPONSE_ORDER = SortKey(((Survey.sent_day, False), (Survey.id, False)))
RESPONSE_CURSOR = [date, int]


def answered_page(program: Program, period: Period, *, cursor: str | None, limit: int) -> Page:
    """One page of the answered surveys sent in the period, the oldest sent first (the API's responses); each item a row
    of reference number, score, scale, comment, raw reply, answered at, agent name, category, reward and vendor."""
    query = (select(Survey.id, Survey.sent_day, Case.number, Survey.score, Survey.scale, Survey.comment,
                    Survey.raw_reply, Survey.answered_at, User.name, Survey.category,
                    first_order_field("reward", Survey.case_id).label("reward"),
                    first_order_field("vendor", Survey.case_id).label("vendor"))
             .join(Case, Case.id == Survey.case_id).outerjoin(User, User.id == Survey.agent_id)
             .where(*any_scale(program, period, Filters()), Survey.score.is_not(None)))
    if cursor:
        query = query.where(RESPONSE_ORDER.after(decode_cursor(cursor, RESPONSE_CURSOR)[1]))
    rows = db.session.execute(query.order_by(*RESPONSE_ORDER.order_by()).limit(limit + 1)).all()
    page = Page(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = encode_cursor([rows[limit - 1].sent_day, rows[limit - 1].id])
    return page
