"""Keyset pagination: a page is found by the sort values of its edge row, so page 4,000 costs what page 1 does."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.validation import MAX_ID


@dataclass
class Page:
    items: list
    next_cursor: str | None = None
    prev_cursor: str | None = None


@dataclass(frozen=True)
class SortKey:
    """Columns to order by, each with its direction; the last one must be unique (the id)."""

    columns: tuple  # ((column, descending), ...)

    def order_by(self, reverse: bool = False):
        return [col.desc() if desc != reverse else col.asc() for col, desc in self.columns]

    def after(self, values: list, reverse: bool = False):
        """Rows strictly after ``values`` in this order (before them when ``reverse``)."""
        clauses = []
        for i, (col, desc) in enumerate(self.columns):
            beyond = col < values[i] if desc != reverse else col > values[i]
            equal_so_far = [c == v for (c, _), v in zip(self.columns[:i], values, strict=False)]
            clauses.append(and_(*equal_so_far, beyond))
        first_col, first_desc = self.columns[0]
        # A plain range on the first column as well, so the database walks the index from the cursor.
        bound = first_col <= values[0] if first_desc != reverse else first_col >= values[0]
        return and_(bound, or_(*clauses))


def encode_cursor(values: list, direction: str = "next") -> str:
    payload = [direction, [v.isoformat() if isinstance(v, date) else v for v in values]]  # datetimes too
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, types: list[type]) -> tuple[str, list[Any]]:
    """Return (direction, values) or raise ValidationError("cursor") for anything that is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        direction, raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if direction not in ("next", "prev") or len(raw) != len(types):
            raise ValueError
        values = [t.fromisoformat(v) if t in (date, datetime) else t(v) for v, t in zip(raw, types, strict=True)]
        if any(isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in values):
            raise ValueError  # a forged cursor: beyond what any id column holds
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError("cursor", "is not a valid page cursor") from exc
    return direction, values


def keyset_page(query, key: SortKey, types: list[type], values_of: Callable[[Any], list], *, cursor: str | None,
                limit: int) -> Page:
    """One page of ``query`` ordered by ``key``, read forwards or (a "prev" cursor) backwards from the cursor's
    row: ``limit + 1`` rows at most, an index range, never an OFFSET. ``values_of(row)`` is a row's key values."""
    direction = "next"
    if cursor:
        direction, values = decode_cursor(cursor, types)
        query = query.where(key.after(values, reverse=direction == "prev"))
    rows = list(db.session.scalars(query.order_by(*key.order_by(reverse=direction == "prev")).limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    if direction == "prev":
        rows.reverse()
    page = Page(items=rows)
    if rows:
        if more or direction == "prev":
            page.next_cursor = encode_cursor(values_of(rows[-1]), "next")
        if cursor and (direction == "next" or more):
            page.prev_cursor = encode_cursor(values_of(rows[0]), "prev")
    return page
