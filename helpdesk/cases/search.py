"""The agents' search box: one string, read as a case number, phone, email, external id, name or subject words.

Every reading is an indexed look-up: exact matches on phone, email and external id, a prefix range on
the folded names, and the full-text index on folded case subjects (FTS5 on SQLite, GIN on PostgreSQL):
'wisniewska' finds Wiśniewska (helpdesk.folding).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app, url_for
from sqlalchemy import func, select, text, union

from helpdesk.actors import Actor
from helpdesk.cases.models import CASE_PAGE_LOADS, Case
from helpdesk.extensions import db
from helpdesk.folding import fold
from helpdesk.participants.models import Participant
from helpdesk.participants.services import name_key
from helpdesk.phones import looks_like_phone, phone_candidates, region_of
from helpdesk.programs.models import Program

MAX_QUERY = 200
LIMIT = 50
_CASE_NUMBER = re.compile(r"^(?:([A-Za-z0-9_]+)-|#)?(\d{1,9})$")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchResult:
    query: str
    participants: list[Participant] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def clean_query(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "") if ch.isprintable())[:MAX_QUERY].strip()


def search(raw: str | None, *, actor: Actor, limit: int = LIMIT) -> SearchResult:
    query = clean_query(raw)
    result = SearchResult(query=query)
    if not query:
        return result
    visible = actor.visible_program_ids()
    programs = list(db.session.scalars(select(Program).where(Program.id.in_(visible)) if visible is not None
                                       else select(Program)))
    result.participants = _participants(query, programs, visible, limit)
    result.cases = _cases(query, programs, visible, result.participants, limit)
    return result


def register_reference(app: Flask, find: Callable[[str, Actor], str | None]) -> None:
    """A feature's exact references that open their record instead of a results page: ``find(query, actor)``
    returns the record's URL, or None."""
    app.extensions.setdefault("search_references", []).append(find)


def reference_url(raw: str | None, *, actor: Actor) -> str | None:
    query = clean_query(raw)
    if not query:
        return None
    return next((url for find in current_app.extensions.get("search_references", ())
                 if (url := find(query, actor)) is not None), None)


def case_reference_url(query: str, actor: Actor) -> str | None:
    """``AURORA-204``: the case of that program and number, when the actor may see it."""
    number = _CASE_NUMBER.match(query)
    if not number or not number.group(1):
        return None
    code, digits = number.groups()
    stmt = (select(Case.id).join(Program, Program.id == Case.program_id)
            .where(func.upper(Program.code) == code.upper(), Case.number == int(digits)))
    case_id = db.session.scalar(_in_scope(stmt, Case.program_id, actor.visible_program_ids()))
    return url_for("cases.case_page", case_id=case_id) if case_id is not None else None


def _in_scope(query, column, visible):
    return query if visible is None else query.where(column.in_(visible))


def _first_of_each(branches, limit: int):
    """One UNION of each (query, order) branch's first ``limit`` ids: each is a short index walk, never a big sort."""
    subqueries = [branch.order_by(*order).limit(limit).subquery() for branch, order in branches]
    return union(*(select(sub.c.id) for sub in subqueries))


def _participants(query: str, programs: list[Program], visible, limit: int) -> list[Participant]:
    conditions = [Participant.external_id == query]
    if "@" in query:
        conditions.append(Participant.email == query.lower())
    if looks_like_phone(query):
        regions = [None] + sorted({region_of(p.hotline_number) for p in programs} - {None})
        candidates = phone_candidates(query, regions)
        if candidates:
            conditions.append(Participant.phone.in_(candidates))
    surname_first = (Participant.last_name_key, Participant.first_name_key, Participant.id)
    branches = [(c, surname_first) for c in conditions]
    words = [name_key(w) for w in _WORD.findall(query)][:3]
    if words and not query.isdigit():
        by_last, by_first = _name_branches(words)
        branches += [(by_last, surname_first),
                     (by_first, (Participant.first_name_key, Participant.last_name_key, Participant.id))]
    ids = _first_of_each([(_in_scope(select(Participant.id).where(c), Participant.program_id, visible), order)
                          for c, order in branches], limit)
    stmt = select(Participant).where(Participant.id.in_(ids)).order_by(*surname_first).limit(limit)
    return list(db.session.scalars(stmt))


def _name_branches(words):
    if len(words) == 1:
        return _prefix(Participant.last_name_key, words[0]), _prefix(Participant.first_name_key, words[0])
    first, last = words[0], words[-1]
    return ((Participant.last_name_key == first) & _prefix(Participant.first_name_key, last),
            (Participant.first_name_key == first) & _prefix(Participant.last_name_key, last))


def _prefix(column, word: str):
    """``column`` starts with ``word``, as an index range (LIKE would ignore the index on both databases)."""
    return (column >= word) & (column < word + "\U0010ffff")


def _cases(query: str, programs, visible, participants: list[Participant], limit: int) -> list[Case]:
    conditions = []
    number = _CASE_NUMBER.match(query)
    if number:
        code, digits = number.groups()
        condition = Case.number == int(digits)
        if code:
            program = next((p for p in programs if p.code.lower() == code.lower()), None)
            condition = condition & (Case.program_id == (program.id if program else -1))
        conditions.append(condition)
    if participants:
        conditions.append(Case.participant_id.in_([p.id for p in participants]))
    words = _WORD.findall(fold(query))[:8]
    if words and not number:
        conditions.append(Case.id.in_(_subject_matches(words, limit * 20)))
    if not conditions:
        return []
    ids = _first_of_each([(_in_scope(select(Case.id).where(c), Case.program_id, visible), [Case.id.desc()])
                          for c in conditions], limit)
    stmt = select(Case).options(*CASE_PAGE_LOADS).where(Case.id.in_(ids)).order_by(Case.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def _subject_matches(words: list[str], limit: int):
    """Ids of cases whose subject has every word (as a word prefix), newest first, bounded."""
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        matches = func.to_tsvector(text("'simple'"), func.fold_text(Case.subject)).op("@@")(
            func.to_tsquery(text("'simple'"), tsquery))
        return select(Case.id).where(matches).order_by(Case.id.desc()).limit(limit)
    match = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    return text("SELECT rowid FROM case_subject_fts WHERE case_subject_fts MATCH :match ORDER BY rowid DESC LIMIT :lim"
                ).bindparams(match=match, lim=limit).columns(Case.id)
