"""``flask surveys dispatch`` sends the due surveys once; ``flask surveys rebuild-stats`` recomputes the totals."""

import click
from flask.cli import AppGroup

from helpdesk.database import unit_of_work
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.surveys.dispatch import DispatchTotals
from helpdesk.surveys.stats import rebuild_days

surveys_cli = AppGroup("surveys", help="Satisfaction surveys by SMS.")


@surveys_cli.command("dispatch")
@click.option("--batch", type=click.IntRange(1, 10_000), default=None, help="Surveys claimed per transaction.")
def dispatch_command(batch):
    """Send every due survey through the SMS gateway, then exit."""

    def progress(totals: DispatchTotals) -> None:
        click.echo(f"… {totals.sent} sent, {totals.retry} to retry, {totals.failed} failed")

    totals = dispatch_due_surveys(batch=batch, progress=progress)
    click.echo(totals.summary())


@surveys_cli.command("rebuild-stats")
@click.option("--program-id", type=int, default=None, help="Only this program (default: all).")
def rebuild_stats_command(program_id):
    """Recompute the dashboard's daily totals from the surveys."""
    with unit_of_work():
        rows = rebuild_days(program_id)
    click.echo(f"Rebuilt {rows} daily totals.")
