"""Live workspace: what changes while an agent's page is open (calls ringing and answered, a case's timeline,
the queue counts) reaches that page within a second, across processes and machines.

Changes become rows of a short-lived feed (and PostgreSQL NOTIFYs) in their own transactions (feed.py); each
server process fans them out to its connected pages (hub.py) over Server-Sent Events (stream.py, views.py);
the page fetches what an event names (static/js/live.js).
"""

import signal

from flask import Flask
from sqlalchemy import event


def init_app(app: Flask) -> None:
    from helpdesk.extensions import db
    from helpdesk.live import feed, views
    from helpdesk.live.hub import Hub
    from helpdesk.signals import call_changed, timeline_written

    app.register_blueprint(views.bp)
    with app.app_context():
        app.extensions["live_hub"] = Hub(db.engine)
    timeline_written.connect(_on_timeline_written)
    call_changed.connect(_on_call_changed)
    if not event.contains(db.session, "before_commit", feed.write_pending):
        event.listen(db.session, "before_commit", feed.write_pending)
        event.listen(db.session, "after_rollback", feed.forget_pending)


def _on_timeline_written(case, kind: str, **_) -> None:
    from helpdesk.extensions import db
    from helpdesk.live.feed import note_timeline_entry

    note_timeline_entry(db.session(), case, kind)


def _on_call_changed(program_id: int, *, call_id: int, **_) -> None:
    from helpdesk.extensions import db
    from helpdesk.live.feed import note_call_change

    note_call_change(db.session(), program_id, call_id)


def end_streams_when_stopping(worker) -> None:
    """For gunicorn's ``post_worker_init`` hook: on SIGTERM (a restart, a deploy) the worker's live streams end at
    once, and their pages reconnect to another worker, instead of holding the worker's graceful stop until its
    timeout."""
    hub = getattr(worker.wsgi, "extensions", {}).get("live_hub")
    stop = worker.handle_exit

    def handle_exit(sig, frame):
        if hub is not None:
            hub.close()
        stop(sig, frame)

    signal.signal(signal.SIGTERM, handle_exit)
