"""Operating the helpdesk: JSON logs with request ids (:mod:`.logs`), health probes and Prometheus metrics
(:mod:`.views`, :mod:`.metrics`), the workers' heartbeats (:mod:`.heartbeats`), the admins' System page and the
staff pages' banner when no worker beats. Deployment recipes are in ``deploy/``."""

import sys
import time
from functools import wraps
from ipaddress import ip_network

import click
from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from helpdesk.config import ConfigurationError


def init_app(app: Flask) -> None:
    from helpdesk.operations import logs, views

    logs.init_app(app)  # first: its request id and clock start before any other hook
    app.extensions["metrics_networks"] = metrics_networks(app.config["METRICS_ALLOWED_ADDRESSES"])
    app.register_blueprint(views.bp)
    app.after_request(_observe)
    app.add_template_global(worker_banner)


def metrics_networks(setting: str):
    try:
        return [ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]
    except ValueError as error:
        raise ConfigurationError(f"METRICS_ALLOWED_ADDRESSES: {error}") from None


def _observe(response):
    from helpdesk.operations.metrics import REQUEST_SECONDS, WEBHOOKS, webhook_outcome

    endpoint = request.endpoint or "unmatched"
    if "request_started" in g:
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - g.request_started)
    if endpoint.startswith("twilio."):
        WEBHOOKS.labels(endpoint.removeprefix("twilio."), webhook_outcome(response.status_code)).inc()
    return response


def worker_banner() -> bool:
    """True on a manager's or admin's page when no worker has beaten for 2 minutes (one indexed max())."""
    from helpdesk.operations.health import worker_silent

    return current_user.is_authenticated and current_user.is_manager and worker_silent()


def exit_unless_ready_to_serve(app: Flask) -> None:
    """Before gunicorn binds its port (``deploy/gunicorn.conf.py``): a database that cannot be reached or whose
    schema is not this code's ends the server with one line naming ``DATABASE_URL`` (and what to run)."""
    from helpdesk.extensions import db
    from helpdesk.operations.health import database_problem

    with app.app_context():
        problem = database_problem()
        db.engine.dispose()  # nothing opened here may be shared with the processes gunicorn forks
    if problem:
        sys.exit(f"Error: {problem}")


def guard_commands(group: click.Group) -> None:
    """Every command of ``group`` (and its subgroups) answers a database that fails with one line naming
    ``DATABASE_URL`` and exit status 1, never a traceback."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            guard_commands(command)
        elif command.callback is not None and not getattr(command.callback, "database_guarded", False):
            command.callback = _guarded(command.callback)


def _guarded(callback):
    @wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except OperationalError as error:
            from helpdesk.extensions import db
            from helpdesk.operations.health import failure_reason

            url = db.engine.engine.url.render_as_string(hide_password=True)
            raise click.ClickException(f"DATABASE_URL ({url}): {failure_reason(error)}") from None

    run.database_guarded = True
    return run
