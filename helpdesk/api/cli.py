import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.actors import SystemActor
from helpdesk.api.services import DEFAULT_LIFETIME_DAYS, create_api_token, list_api_tokens, revoke_api_token
from helpdesk.database import unit_of_work, utcnow
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.validation import MAX_ID

api_token_cli = AppGroup("api-token", help="Manage API v1 tokens.")
COMMAND_LINE = SystemActor("Command line")
LIST_COLUMNS = ("ID", "NAME", "PROGRAM", "CREATED", "LAST USED", "EXPIRES", "REVOKED")


@api_token_cli.command("create")
@click.option("--name", required=True, help="Who uses the token, e.g. 'loyalty-platform'.")
@click.option("--program", "program_code", default=None, help="Limit the token to one program.")
@click.option("--expires-in", "days", type=int, default=DEFAULT_LIFETIME_DAYS, show_default=True,
              help="Days until the token stops working.")
def create_token_command(name, program_code, days):
    """Create a token and print it alone on the last line (it is not shown again)."""
    try:
        with unit_of_work():
            program = None
            if program_code:
                program = db.session.scalar(select(Program).where(Program.code == program_code))
                if program is None:
                    raise click.ClickException(f"--program: no program {program_code!r}")
            token, plain = create_api_token(name, program, expires_in_days=days, actor=COMMAND_LINE)
    except ValidationError as exc:
        raise click.ClickException(exc.message.replace("expires_in_days:", "--expires-in:")) from None
    scope = f"program {program.code}" if program else "all programs"
    click.echo(f"Created API token {token.id} {name!r} for {scope}, expiring {_day(token.expires_at)}. "
               "Store it now; it is not shown again:")
    click.echo(plain)


@api_token_cli.command("list")
def list_tokens_command():
    """Every token: name, program, created, last used, expires, revoked (times in UTC)."""
    now = utcnow()
    rows = [LIST_COLUMNS] + [
        (str(t.id), t.name, t.program.code if t.program else "(all)", _day(t.created_at), _day(t.last_used_at),
         _day(t.expires_at) + (" (expired)" if t.state(now) == "expired" else ""), _day(t.revoked_at))
        for t in list_api_tokens(actor=COMMAND_LINE)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(LIST_COLUMNS))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@api_token_cli.command("revoke")
@click.argument("token_id", type=click.IntRange(1, MAX_ID))
def revoke_token_command(token_id):
    """Revoke a token at once: every request with it is refused (401) from now on."""
    try:
        with unit_of_work():
            token = revoke_api_token(token_id, actor=COMMAND_LINE)
    except NotFound as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"API token {token.id} {token.name!r} revoked.")


def _day(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
