"""``flask reports send-weekly``: the weekly report e-mail on demand."""

import click
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.mail.transport import MailError, send_mail
from helpdesk.programs.models import Program
from helpdesk.reports.mailing import has_address, language_of, managers_of, render_weekly_mail, report_on_demand

reports_cli = click.Group("reports", help="Reports.")


@reports_cli.command("send-weekly")
@click.option("--program", "code", help="Only this program (its code); default every program.")
@click.option("--to", "address", help="Send to this address instead of the program's managers.")
def send_weekly(code, address):
    """Send the report of the last full week now, to each program's managers (or to --to), in their language.

    Independent of the Monday mails the worker sends (and of its record of them): run twice, it sends twice."""
    query = select(Program).order_by(Program.code)
    programs = list(db.session.scalars(query.where(Program.code == code) if code else query))
    if not programs:
        raise click.ClickException(f"no program {code!r}")
    now, failed = utcnow(), 0
    for program in programs:
        report = report_on_demand(program, now)
        if address:
            staff = db.session.scalar(select(User).where(User.email == address.strip().lower()))
            recipients = [(address.strip(), staff)]
        else:
            recipients = [(user.email, user) for user in managers_of([program.id]).get(program.id, [])]
        for to, user in recipients:
            if user is not None and not address and not has_address(user):
                click.echo(f"{program.code}: skipped {user.name}: no e-mail address")
                continue
            try:
                send_mail(render_weekly_mail(report, to, language_of(user, program)))
            except MailError as exc:
                failed += 1
                click.echo(f"{program.code}: not sent to {to}: {exc}")
            else:
                click.echo(f"{program.code}: sent to {to}")
        if not recipients:
            click.echo(f"{program.code}: no managers")
    if failed:
        raise click.ClickException(f"{failed} not sent")
