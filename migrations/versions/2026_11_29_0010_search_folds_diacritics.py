"""search folds diacritics: participants' name keys re-folded, case subjects indexed folded (ł→l, ё→е…)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from helpdesk.folding import fold

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BATCH = 5000
# Letters PostgreSQL's fold_text() folds after lower(): those of the languages we serve and their neighbours.
FOLDED_LETTERS = "ąćęłńóśźżёàáâãäåāăçčďèéêëěēėìíîïīľĺňñòôõöōőŕřšťùúûüůūűýÿžđø"
SQLITE_FOLDED_SUBJECT = ("replace(replace(replace(replace({0}, 'ł', 'l'), 'Ł', 'L'), 'ё', 'е'), 'Ё', 'Е')")


def upgrade():
    refold_name_keys(fold)
    if op.get_bind().dialect.name == "postgresql":
        targets = "".join(fold(letter) for letter in FOLDED_LETTERS)
        assert len(targets) == len(FOLDED_LETTERS)
        op.execute(f"CREATE FUNCTION fold_text(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
                   f"AS $$ SELECT translate(lower($1), '{FOLDED_LETTERS}', '{targets}') $$")
        op.execute("DROP INDEX ix_cases_subject_fts")
        op.execute("CREATE INDEX ix_cases_subject_fts ON cases USING gin (to_tsvector('simple', fold_text(subject)))")
        return
    drop_sqlite_subject_search()
    # FTS5's tokenizer folds case and the diacritics that decompose; the view folds the letters that do not.
    op.execute(f"CREATE VIEW case_subject_fts_source AS SELECT id, {SQLITE_FOLDED_SUBJECT.format('subject')} "
               "AS subject FROM cases")
    create_sqlite_subject_search("case_subject_fts_source", SQLITE_FOLDED_SUBJECT.format("{0}.subject"))


def downgrade():
    refold_name_keys(str.casefold)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_subject_fts")
        op.execute("CREATE INDEX ix_cases_subject_fts ON cases USING gin (to_tsvector('simple', subject))")
        op.execute("DROP FUNCTION fold_text(text)")
        return
    drop_sqlite_subject_search()
    op.execute("DROP VIEW case_subject_fts_source")
    create_sqlite_subject_search("cases", "{0}.subject")


def refold_name_keys(key) -> None:
    conn = op.get_bind()
    participants = sa.table("participants", sa.column("id"), sa.column("first_name"), sa.column("last_name"),
                            sa.column("first_name_key"), sa.column("last_name_key"))
    last_id = 0
    while rows := conn.execute(sa.select(participants.c.id, participants.c.first_name, participants.c.last_name)
                               .where(participants.c.id > last_id).order_by(participants.c.id).limit(BATCH)).all():
        conn.execute(participants.update().where(participants.c.id == sa.bindparam("pid"))
                     .values(first_name_key=sa.bindparam("first"), last_name_key=sa.bindparam("last")),
                     [{"pid": r.id, "first": key(r.first_name or "")[:120], "last": key(r.last_name or "")[:120]}
                      for r in rows])
        last_id = rows[-1].id


def drop_sqlite_subject_search():
    for trigger in ("cases_fts_insert", "cases_fts_delete", "cases_fts_update"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE case_subject_fts")


def create_sqlite_subject_search(content: str, subject: str):
    """``subject``: the indexed form of a cases row's subject, ``{0}`` standing for new or old."""
    new, old = subject.format("new"), subject.format("old")
    op.execute(f"CREATE VIRTUAL TABLE case_subject_fts USING fts5(subject, content='{content}', content_rowid='id', "
               "tokenize='unicode61 remove_diacritics 2')")
    op.execute("CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN "
               f"INSERT INTO case_subject_fts(rowid, subject) VALUES (new.id, {new}); END")
    op.execute("CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN "
               f"INSERT INTO case_subject_fts(case_subject_fts, rowid, subject) VALUES ('delete', old.id, {old}); END")
    op.execute("CREATE TRIGGER cases_fts_update AFTER UPDATE OF subject ON cases BEGIN "
               f"INSERT INTO case_subject_fts(case_subject_fts, rowid, subject) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO case_subject_fts(rowid, subject) VALUES (new.id, {new}); END")
    op.execute("INSERT INTO case_subject_fts(case_subject_fts) VALUES ('rebuild')")
