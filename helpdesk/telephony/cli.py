import click
from flask.cli import AppGroup

from helpdesk.jobs.outbox import deliver_outbox

sms_cli = AppGroup("sms", help="Outbound text messages.")


@sms_cli.command("deliver")
def deliver_command():
    """Send every due outbound SMS (new ones, retries, claims whose worker died) and exit: the worker's outbox
    pass, safe alongside running workers."""
    totals = deliver_outbox()
    click.echo(f"Sent {totals['sent']}, to retry later {totals['retry']}, failed {totals['failed']}.")
