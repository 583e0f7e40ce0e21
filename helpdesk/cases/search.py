"""The agents' search box: one string, read as a case number, phone, email, external id, name or subject words.

Every reading is an indexed look-up: exact matches on phone, email and external id, a prefix range on
the case-folded names, and the full-text index on case subjects (FTS5 on SQLite, GIN on PostgreSQL).
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select, text, union

from helpdesk.actors import Actor
from helpdesk.cases.models import CASE_PAGE_LOADS, Case
from helpdesk.extensions import db
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
    words = _WORD.findall(query)[:8]
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
        terms = [re.sub(r"\W", "", w) for w in words]
        tsquery = " & ".join(f"{term}:*" for term in terms if term)
        matches = func.to_tsvector(text("'simple'"), Case.subject).op("@@")(func.to_tsquery(text("'simple'"), tsquery))
        return select(Case.id).where(matches).order_by(Case.id.desc()).limit(limit)
    match = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    return text("SELECT rowid FROM case_subject_fts WHERE case_subject_fts MATCH :match ORDER BY rowid DESC LIMIT :lim"
                ).bindparams(match=match, lim=limit).columns(Case.id)
