import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.actors import SystemActor
from helpdesk.auth.services import create_user
from helpdesk.database import unit_of_work
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program

users_cli = AppGroup("users", help="Manage staff users.")
COMMAND_LINE = SystemActor("Command line")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["agent", "manager", "admin"]), required=True)
@click.option("--name", default=None, help="Full name (defaults to the part of the email before @).")
@click.option("--program", "program_codes", multiple=True, help="Code of a program the user serves (repeatable).")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
def create_user_command(email, role, name, program_codes, password_stdin):
    """Create a staff user; the password is read from standard input, never from the command line."""
    password = sys.stdin.readline().rstrip("\n")
    programs = []
    for code in program_codes:
        program = db.session.scalar(select(Program).where(Program.code == code))
        if program is None:
            raise click.ClickException(f"--program: no program {code!r}")
        programs.append(program)
    try:
        with unit_of_work():
            user = create_user(email=email, name=name or email.split("@")[0], role=role, password=password,
                               programs=programs, actor=COMMAND_LINE)
            created = f"Created {user.role.value} {user.email}"
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(created)
