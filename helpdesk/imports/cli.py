"""``flask participants import FILE``, ``flask orders import FILE``, ``flask codes import FILE`` (``--program
CODE``): CSV or XLSX through the import engine, a progress bar on stderr and a summary on stdout."""

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.actors import SystemActor
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.imports.engine import (
    CHUNK_SIZE,
    import_file,
    load_profile,
    missing_for_new,
    recognised_mapping,
    rejected_file,
)
from helpdesk.imports.kinds import KINDS, Kind
from helpdesk.imports.reading import open_table
from helpdesk.programs.models import Program


def import_command(kind: Kind) -> click.Command:
    @click.command("import", help=f"Create or update the {kind.name} of a CSV or XLSX file, matched by {kind.key}.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--program", "program_code", required=True, help="The program they belong to.")
    @click.option("--sheet", default=None, help="The workbook's sheet to read (default: the first).")
    @click.option("--rejected", "rejected_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Where to write the rejected rows with their reason (default: FILE.rejected.csv).")
    @click.option("--chunk-size", default=CHUNK_SIZE, show_default=True, type=click.IntRange(1, 50_000),
                  help="Rows per transaction.")
    def command(path: Path, program_code: str, sheet: str | None, rejected_path: Path | None, chunk_size: int):
        """Each chunk of rows is committed on its own: an interrupted import keeps the chunks done, and running
        the file again finishes it (rows already loaded count as unchanged)."""
        program = db.session.scalar(select(Program).where(Program.code == program_code))
        if program is None:
            raise click.ClickException(f"--program: no program {program_code!r}")
        rejected_path = rejected_path or path.with_name(f"{path.stem}.rejected.csv")
        rejected_path.unlink(missing_ok=True)  # never leave a previous run's rejections beside this run's summary
        rejected = rejected_file(rejected_path)
        actor = SystemActor(f"import {path.name}"[:120])
        with path.open("rb") as stream, click.progressbar(length=os.path.getsize(path), label="Importing",
                                                          file=sys.stderr) as bar:
            try:
                _warn_update_only(kind, program, stream, path.name, sheet)

                def committed(_summary):
                    bar.update(stream.tell() - bar.pos)

                summary = import_file(kind, program, stream, path.name, actor=actor, sheet=sheet,
                                      source=f"import {path.name}", rejected=rejected, chunk_size=chunk_size,
                                      on_chunk=committed)
            except ValidationError as exc:
                raise click.ClickException(f"{path.name}: " + "; ".join(
                    f"{name} {message}" if name in ("file", "sheet") else f"{name}: {message}"
                    for name, message in exc.fields.items())) from None
            finally:
                rejected.close()
        click.echo(f"{path.name}: {summary}")
        if summary.ignored_columns:
            click.echo(f"Ignored columns: {', '.join(summary.ignored_columns)}")
        if rejected.written:
            click.echo(f"Rejected rows and their reasons: {rejected_path}")
    return command


def _warn_update_only(kind: Kind, program: Program, stream, filename: str, sheet: str | None) -> None:
    table = open_table(stream, filename, sheet=sheet)
    try:
        missing = missing_for_new(kind, recognised_mapping(kind, table.header, load_profile(program, kind)))
    finally:
        table.close()
        stream.seek(0)
    if missing:
        click.echo(f"No column for {', '.join(missing)}: only existing {kind.name} are updated.", err=True)


def command_groups() -> list[AppGroup]:
    groups = []
    for kind in KINDS.values():
        group = AppGroup(kind.name, help=f"{kind.name.capitalize()} of the programs.")
        group.add_command(import_command(kind))
        groups.append(group)
    return groups
