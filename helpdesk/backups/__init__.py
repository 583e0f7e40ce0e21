"""Backups: ``flask --app wsgi db backup PATH`` copies the live database into one file, while the app serves.

SQLite through its online backup API (a consistent copy, WAL included, writers wait only page by page); restore
by stopping the app and putting the file in place of ``instance/helpdesk.db``. PostgreSQL through ``pg_dump``
(custom format); restore with ``pg_restore --clean --dbname …``.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask
from flask_migrate.cli import db as db_group
from sqlalchemy.engine import make_url

from helpdesk.extensions import db


def backup_database(path: Path) -> str:
    """Write the app's database to ``path`` (which must not exist); what was done, in one line."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return f"SQLite database {url.database} copied to {path} (online backup API)"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise click.ClickException("pg_dump not found: install PostgreSQL's client tools")
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run([pg_dump, "--format=custom", f"--file={path}", libpq], capture_output=True, text=True)
    if done.returncode != 0:
        path.unlink(missing_ok=True)
        raise click.ClickException(f"pg_dump failed: {done.stderr.strip().splitlines()[-1] if done.stderr else ''}")
    return f"PostgreSQL database {url.database} dumped to {path} with pg_dump (restore with pg_restore)"


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Copy the database to PATH while the app serves (SQLite backup API, or pg_dump on PostgreSQL)."""
    if path.exists():
        raise click.ClickException(f"PATH: {path} exists already; choose a new file")
    if not path.parent.is_dir():
        raise click.ClickException(f"PATH: the folder {path.parent} does not exist")
    try:
        click.echo(backup_database(path))
    except (sqlite3.Error, OSError) as error:
        path.unlink(missing_ok=True)
        raise click.ClickException(f"PATH: {path} could not be written ({error})") from None


def init_app(app: Flask) -> None:
    if "backup" not in db_group.commands:
        db_group.add_command(backup_command)
