"""Settings and databases the processes cannot work with: one line naming the setting (and what to do), exit
status 1, never a traceback, for the worker, the CLI and gunicorn alike."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.deploy.conftest import PROJECT, free_port, gunicorn_env

UNREACHABLE = "postgresql+psycopg://helpdesk@127.0.0.1:1/helpdesk"


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout)


def flask(*args: str, **settings: str | None) -> subprocess.CompletedProcess:
    env = gunicorn_env("", **settings)
    env = {key: value for key, value in env.items() if value}  # None or "": not set
    return run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(("url", "expected"), [
    (None, "Error: DATABASE_URL must be set"),
    ("not a url", "Error: DATABASE_URL is not a database URL"),
    ("postgres://helpdesk@127.0.0.1/helpdesk", "Error: DATABASE_URL names an unknown database kind 'postgres'"),
])
def test_a_missing_or_wrong_database_url_stops_every_command_with_one_line(url, expected):
    assert one_line_error(flask("worker", "--once", DATABASE_URL=url)).startswith(expected)


def test_a_missing_secret_key_stops_the_app_with_one_line(tmp_path):
    done = flask("worker", "--once", DATABASE_URL=f"sqlite:///{tmp_path}/helpdesk.db", SECRET_KEY="")
    assert one_line_error(done).startswith("Error: SECRET_KEY must be set")


def test_an_unreachable_database_stops_the_worker_and_the_cli_with_one_line():
    worker = one_line_error(flask("worker", DATABASE_URL=UNREACHABLE))
    assert worker.startswith("Error: DATABASE_URL: cannot reach the database at postgresql+psycopg://helpdesk@127"
                             ".0.0.1:1/helpdesk: ")
    upgrade = one_line_error(flask("db", "upgrade", DATABASE_URL=UNREACHABLE))
    assert upgrade.startswith("Error: DATABASE_URL (postgresql+psycopg://helpdesk@127.0.0.1:1/helpdesk): ")


def test_a_schema_older_than_the_code_stops_the_worker_and_gunicorn_saying_to_upgrade(fresh_database, tmp_path):
    url = fresh_database("_old_schema", migrated=False)
    worker = one_line_error(flask("worker", DATABASE_URL=url))
    assert "the database schema (empty) is older than this version of the app" in worker
    assert worker.endswith("run `flask --app wsgi db upgrade`")
    env = gunicorn_env(url, HELPDESK_BIND=f"127.0.0.1:{free_port()}",
                       PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    server = run([str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "wsgi:app"], env)
    assert server.returncode == 1 and "Traceback" not in server.stderr
    assert server.stderr.strip().splitlines()[-1] == f"Error: {worker.removeprefix('Error: ')}"


def test_a_worker_refuses_a_schema_newer_than_its_code(fresh_database):
    url = fresh_database("_new_schema")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_a_newer_release'"))
    engine.dispose()
    worker = one_line_error(flask("worker", DATABASE_URL=url))
    assert "the database schema (0099_from_a_newer_release) is newer than this version of the app" in worker
