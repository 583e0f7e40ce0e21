import click
from flask.cli import AppGroup

from helpdesk.telephony.delivery import deliver_due_outbox

sms_cli = AppGroup("sms", help="Outbound text messages.")


@sms_cli.command("deliver")
def deliver_command():
    """Send every due outbound SMS (new ones and retries) and exit."""
    totals = deliver_due_outbox()
    click.echo(f"Sent {totals['sent']}, to retry later {totals['retry']}, failed {totals['failed']}.")
