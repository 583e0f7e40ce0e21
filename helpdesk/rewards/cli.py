"""``flask orders import FILE.csv --program CODE``: the streamed CSV import with a progress bar on stderr."""

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.actors import SystemActor
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.rewards.importer import CHUNK_SIZE, import_orders, rejected_file

orders_cli = AppGroup("orders", help="Reward orders from the loyalty platform.")


@orders_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--program", "program_code", required=True, help="The program the orders belong to.")
@click.option("--rejected", "rejected_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the rejected rows with their reason (default: FILE.rejected.csv).")
@click.option("--chunk-size", default=CHUNK_SIZE, show_default=True, type=click.IntRange(1, 50_000),
              help="Rows per transaction.")
def import_command(path: Path, program_code: str, rejected_path: Path | None, chunk_size: int):
    """Create or update the orders of a CSV file (UTF-8, header row), matched by order_ref.

    Each chunk of rows is committed on its own: an interrupted import keeps the chunks done, and running the
    file again finishes it (rows already loaded count as unchanged).
    """
    program = db.session.scalar(select(Program).where(Program.code == program_code))
    if program is None:
        raise click.ClickException(f"--program: no program {program_code!r}")
    rejected_path = rejected_path or path.with_name(f"{path.stem}.rejected.csv")
    rejected_path.unlink(missing_ok=True)  # never leave a previous run's rejections beside this run's summary
    rejected = rejected_file(rejected_path)
    actor = SystemActor(f"CSV import {path.name}"[:120])
    with path.open("rb") as stream, click.progressbar(length=os.path.getsize(path), label="Importing",
                                                      file=sys.stderr) as bar:
        def committed(_summary):
            bar.update(stream.tell() - bar.pos)

        try:
            summary = import_orders(program, stream, actor=actor, source=f"CSV import {path.name}",
                                    rejected=rejected, chunk_size=chunk_size, on_chunk=committed)
        except ValidationError as exc:
            raise click.ClickException(f"{path.name} {exc.fields.get('file', exc.message)}") from None
        finally:
            rejected.close()
    click.echo(f"{path.name}: {summary}")
    if summary.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(summary.ignored_columns)}")
    if rejected.written:
        click.echo(f"Rejected rows and their reasons: {rejected_path}")
