"""``flask --app wsgi db backup PATH``: a copy of the live database that the app can be started on."""

import subprocess

import pytest
from sqlalchemy import func, select

from helpdesk.cases.models import Case
from helpdesk.extensions import db
from tests import factories
from tests.conftest import build_app


def backup(app, path):
    with app.app_context():  # its own, not the session app's rolled-back test transaction
        return app.test_cli_runner().invoke(args=["db", "backup", str(path)])


@pytest.fixture
def live_app(fresh_database):
    app = build_app(fresh_database("_backup"))
    with app.app_context():
        program = factories.program()
        factories.case(program, participant=factories.participant(program))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_backup_restored_into_a_database_of_its_own_holds_the_data(live_app, fresh_database, tmp_path):
    target = tmp_path / "helpdesk.backup"
    result = backup(live_app, target)
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    restored_url = fresh_database("_restored", migrated=False)
    if restored_url.startswith("sqlite"):
        restored_url = f"sqlite:///{target}"  # restoring SQLite is putting the file in place
    else:
        libpq = restored_url.replace("postgresql+psycopg", "postgresql")
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(target)], check=True)
    restored = build_app(restored_url)
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
        db.engine.dispose()


def test_a_backup_never_overwrites_a_file(live_app, tmp_path):
    existing = tmp_path / "old.backup"
    existing.write_text("keep me")
    result = backup(live_app, existing)
    assert result.exit_code != 0 and "exists already" in result.output and "Traceback" not in result.output
    assert existing.read_text() == "keep me"


def test_a_backup_into_a_missing_folder_names_the_path(live_app, tmp_path):
    result = backup(live_app, tmp_path / "nowhere" / "x.backup")
    assert result.exit_code != 0 and "does not exist" in result.output and "Traceback" not in result.output
