"""The schema: the migrations build what the models declare, and SQLite's planner gets statistics for it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from helpdesk.database import refresh_query_statistics
from helpdesk.extensions import db


def _declared(obj, name, type_, reflected, compare_to) -> bool:
    """Full-text search objects are made by hand in the migrations (FTS5 tables, a GIN index): no model has them."""
    return "fts" not in (name or "")


def test_the_migrated_database_has_the_schema_the_models_declare(app):
    with app.app_context():
        context = MigrationContext.configure(db.session.connection(),
                                             opts={"compare_type": True, "include_object": _declared})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_and_refreshes_analyze_sqlite_and_leave_postgresql_to_autovacuum(app, make):
    with app.app_context():
        on_sqlite = db.session.get_bind().dialect.name == "sqlite"
        analyzed_by_migrations = db.session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) if on_sqlite else 0
        assert analyzed_by_migrations == on_sqlite
        program = make.program()
        for _ in range(3):
            make.case(program)
        connection = db.session.connection()

        assert refresh_query_statistics(connection) is on_sqlite
        if on_sqlite:
            indexes = set(connection.scalars(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases'")))
            assert {"ix_cases_program_created", "ix_cases_participant_id"} <= indexes
