import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.api.services import create_api_token
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program

api_token_cli = AppGroup("api-token", help="Manage API v1 tokens.")


@api_token_cli.command("create")
@click.option("--name", required=True, help="Who uses the token, e.g. 'loyalty-platform'.")
@click.option("--program", "program_code", default=None, help="Limit the token to one program.")
def create_token_command(name, program_code):
    """Create a token and print it alone on the last line (it is not shown again)."""
    program = None
    if program_code:
        program = db.session.scalar(select(Program).where(Program.code == program_code))
        if program is None:
            raise click.ClickException(f"--program: no program {program_code!r}")
    try:
        _, plain = create_api_token(name, program)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    scope = f"program {program.code}" if program else "all programs"
    click.echo(f"Created API token {name!r} for {scope}. Store it now; it is not shown again:")
    click.echo(plain)
