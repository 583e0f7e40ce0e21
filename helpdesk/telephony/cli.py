import click
from flask.cli import AppGroup

from helpdesk.extensions import db
from helpdesk.telephony.outbox import claim_due, deliver

sms_cli = AppGroup("sms", help="Outbound text messages.")


def deliver_due_messages(batch: int = 100) -> dict[str, int]:
    """Claim due messages (committed, so no other worker takes them), then deliver and commit each."""
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        claimed = claim_due(batch)
        db.session.commit()
        if not claimed:
            return totals
        for message in claimed:
            deliver(message)
            db.session.commit()
            totals["sent" if message.message_sid else "retry" if message.status == "pending" else "failed"] += 1


@sms_cli.command("deliver")
def deliver_command():
    """Send every due outbound SMS (new ones and retries) and exit."""
    totals = deliver_due_messages()
    click.echo(f"Sent {totals['sent']}, to retry later {totals['retry']}, failed {totals['failed']}.")
