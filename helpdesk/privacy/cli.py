import click
from flask.cli import AppGroup

from helpdesk.privacy.recordings import delete_due_recordings
from helpdesk.privacy.retention import purge_expired

privacy_cli = AppGroup("privacy", help="Retention of personal data.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
def purge_command(dry_run):
    """Erase the message texts, transcriptions, survey comments and recordings older than each program keeps
    them (Programs → Settings → Privacy; 24 months by default). Safe to run again: a second run changes nothing."""
    def progress(code, kind, done):
        click.echo(f"{code}: {kind.replace('_', ' ')}: {done:,} {'due' if dry_run else 'erased'}", err=True)

    summary = purge_expired(dry_run=dry_run, progress=progress)
    if dry_run:
        click.echo(f"Dry run, nothing changed. Would erase: {summary}.")
        return
    click.echo(f"Erased: {summary}" + (f" (programs {', '.join(summary.programs)})." if summary.programs else "."))
    if summary.counts["recordings"]:
        deleted = delete_due_recordings()
        click.echo(f"Recordings deleted at Twilio: {deleted['deleted']}; to retry by the worker: {deleted['failed']}.")
