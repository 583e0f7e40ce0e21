"""``flask scripts check`` and ``flask scripts sync``: the script files in ``call_scripts/``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from helpdesk.actors import SystemActor
from helpdesk.database import unit_of_work
from helpdesk.scripts.checker import REQUIRED_LOCALES, check_directory
from helpdesk.scripts.services.versions import ScriptProblems, sync_directory

scripts_cli = AppGroup("scripts", help="Check and load the call scripts.")
directory_option = click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
                                default=None, help="Script directory (default: call_scripts/ in the project).")


def _directory(directory: Path | None) -> Path:
    from helpdesk import PROJECT_ROOT

    return directory or Path(current_app.config.get("SCRIPTS_DIR", PROJECT_ROOT / "call_scripts"))


def _required_locales() -> tuple[str, ...]:
    return tuple(current_app.config.get("SCRIPT_REQUIRED_LOCALES", REQUIRED_LOCALES))


def _report(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{len(problems)} problem(s) in the script files")


@scripts_cli.command("check")
@directory_option
def check_command(directory):
    """Check every script file; print ``file:line: message`` for each problem and exit non-zero if any."""
    directory = _directory(directory)
    good, problems = check_directory(directory, _required_locales(), Path.cwd())
    if problems:
        _report(problems)
    click.echo(f"{len(good)} script file(s) OK")


@scripts_cli.command("sync")
@directory_option
def sync_command(directory):
    """Load the script files: a changed file becomes a new version, an unchanged one changes nothing."""
    try:
        with unit_of_work():
            result = sync_directory(_directory(directory), actor=SystemActor("scripts sync"),
                                    required_locales=_required_locales(), display_root=Path.cwd())
    except ScriptProblems as exc:
        _report(exc.problems)
    for version in result.created:
        click.echo(f"{version.script.key}.{version.script.locale}: version {version.number}")
    click.echo(f"{len(result.created)} new version(s), {len(result.unchanged)} unchanged")
