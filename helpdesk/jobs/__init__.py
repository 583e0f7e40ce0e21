"""Background work and the commits it makes: the loops that deliver the SMS outbox (:mod:`.outbox`), dispatch
surveys (:mod:`.surveys`), retry filing texts and refresh query statistics, and ``flask worker``
(:mod:`.worker`), which runs them. The services they call only flush; here each step is a unit of work."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.jobs.worker import worker_command

    app.cli.add_command(worker_command)
