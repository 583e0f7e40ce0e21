"""The dashboard's running totals (:class:`SurveyDay`), bumped in the transaction that sends or answers a survey.

A sent survey adds 1 to ``sent``, an answer adds its score, and a reply no score was read from adds 1 to
``unclear``, on the day the survey was sent, under each dimension and the survey's scale. Under "reward" and
"vendor" a survey counts once per key of its ``order_keys`` (the case's orders when it was sent, so that its
answer lands in the rows its sending did), and not at all without. The pair dimensions (``PAIRS``) count a
survey once per (reward or vendor, other key) it has, ``key`` the reward name or vendor and ``pair_key`` the
other: the dashboard filtered by one reward or vendor, and its tables by reward and vendor for one category,
read them instead of the surveys. Rows are upserted
(``INSERT ... ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL) in one fixed order,
so concurrent transactions never deadlock on them. ``rebuild_days`` recomputes everything from the surveys.
"""


from sqlalchemy import String, case, cast, delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from helpdesk.extensions import db
from helpdesk.surveys.models import ALL_SCORES, Survey, SurveyDay

COLUMN_DIMENSIONS = ("agent", "all", "category", "script")  # one key each, from the survey's columns
ORDER_DIMENSIONS = ("reward", "vendor")  # any number of keys, from Survey.order_keys
# dimension -> the two it pairs: the first's value in ``key``, the second's in ``pair_key``
PAIRS = {f"{first}_{second}": (first, second)
         for first, seconds in (("reward", ("agent", "category", "script", "reward", "vendor")),
                                ("vendor", ("agent", "category", "script", "vendor")))
         for second in seconds}
COUNTS = ("sent", "responses", "score_sum", "unclear", *(f"score_{n}" for n in ALL_SCORES))


def dimension_keys(survey: Survey) -> list[tuple[str, str, str]]:
    """Every (dimension, key, pair key) the survey counts under, sorted: the order its rows are locked in."""
    return sorted(_keys(survey.agent_id, survey.category, survey.script_version, survey.order_keys))


def _keys(agent_id: int | None, category: str, script: str | None, stored: dict | None) -> set[tuple[str, str, str]]:
    keys = {"all": [""], "agent": [str(agent_id or "")], "category": [category], "script": [script or ""],
            **{dimension: (stored or {}).get(dimension, []) for dimension in ORDER_DIMENSIONS}}
    return ({(dimension, key, "") for dimension in (*COLUMN_DIMENSIONS, *ORDER_DIMENSIONS) for key in keys[dimension]}
            | {(dimension, key, other) for dimension, (first, second) in PAIRS.items()
               for key in keys[first] for other in keys[second]})


def count_sent(survey: Survey) -> None:
    _bump(survey, {"sent": 1})


def count_answer(survey: Survey) -> None:
    _bump(survey, _answer(survey.score))


def count_unclear(survey: Survey) -> None:
    _bump(survey, {"unclear": 1})


def _answer(score: int) -> dict[str, int]:
    return {"responses": 1, "score_sum": score, f"score_{score}": 1}


def _bump(survey: Survey, increments: dict[str, int]) -> None:
    """One upsert per (dimension, key), in :func:`dimension_keys` order, in one round of executemany."""
    rows = [{"program_id": survey.program_id, "dimension": dimension, "day": survey.sent_day, "key": key,
             "pair_key": pair, "scale": survey.scale, **{name: increments.get(name, 0) for name in COUNTS}}
            for dimension, key, pair in dimension_keys(survey)]
    db.session.execute(_upsert(db.session.get_bind().dialect.name, tuple(increments)), rows)


def _upsert(dialect: str, incremented: tuple[str, ...]):
    """``INSERT ... ON CONFLICT DO UPDATE`` adding the new row's counts."""
    table = SurveyDay.__table__
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.program_id, table.c.dimension, table.c.day, table.c.key, table.c.pair_key,
                        table.c.scale],
        set_={name: table.c[name] + stmt.excluded[name] for name in incremented},
    )


def key_column(dimension: str):
    """The survey's key under ``dimension``, as :class:`SurveyDay` stores it."""
    return {
        "all": literal(""),
        "agent": func.coalesce(cast(Survey.agent_id, String), ""),
        "category": Survey.category,
        "script": func.coalesce(Survey.script_version, ""),
    }[dimension]


def rebuild_days(program_id: int | None = None) -> int:
    """Recompute the running totals from the surveys (after a bulk import, or to check them); rows written."""
    table = SurveyDay.__table__
    clear = delete(table)
    if program_id is not None:
        clear = clear.where(table.c.program_id == program_id)
    db.session.execute(clear)
    for dimension in COLUMN_DIMENSIONS:
        key = key_column(dimension)
        query = (select(Survey.program_id, literal(dimension), Survey.sent_day, key, Survey.scale, func.count(),
                        func.count(Survey.score), func.coalesce(func.sum(Survey.score), 0),
                        func.coalesce(func.sum(Survey.unclear_replies), 0),
                        *(func.sum(case((Survey.score == n, 1), else_=0)) for n in ALL_SCORES))
                 .where(Survey.sent_day.is_not(None))
                 .group_by(Survey.program_id, Survey.sent_day, key, Survey.scale))
        if program_id is not None:
            query = query.where(Survey.program_id == program_id)
        columns = ["program_id", "dimension", "day", "key", "scale", *COUNTS]
        db.session.execute(insert(table).from_select(columns, query))
    _rebuild_order_days(program_id)
    count = select(func.count()).select_from(table)
    return db.session.scalar(count if program_id is None else count.where(table.c.program_id == program_id))


def _rebuild_order_days(program_id: int | None) -> None:
    """The reward and vendor rows and their pairs, summed here from each survey's ``order_keys`` (a few keys
    per survey) and columns."""
    query = (select(Survey.program_id, Survey.sent_day, Survey.scale, Survey.score, Survey.unclear_replies,
                    Survey.agent_id, Survey.category, Survey.script_version, Survey.order_keys)
             .where(Survey.sent_day.is_not(None), Survey.order_keys.is_not(None)).execution_options(yield_per=5000))
    if program_id is not None:
        query = query.where(Survey.program_id == program_id)
    totals: dict[tuple, dict[str, int]] = {}
    for program, day, scale, score, unclear, agent_id, category, script, stored in db.session.execute(query):
        increments = {"sent": 1, "unclear": unclear, **(_answer(score) if score is not None else {})}
        for dimension, key, pair in _keys(agent_id, category, script, stored):
            if dimension in COLUMN_DIMENSIONS:
                continue
            counts = totals.setdefault((program, dimension, day, key, pair, scale), dict.fromkeys(COUNTS, 0))
            for name, value in increments.items():
                counts[name] += value
    rows = [{"program_id": program, "dimension": dimension, "day": day, "key": key, "pair_key": pair,
             "scale": scale, **counts} for (program, dimension, day, key, pair, scale), counts in totals.items()]
    if rows:
        db.session.execute(insert(SurveyDay.__table__), rows)
