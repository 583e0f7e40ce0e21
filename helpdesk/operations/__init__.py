"""Operating the helpdesk: JSON logs with request ids (:mod:`.logs`), health probes and Prometheus metrics
(:mod:`.views`, :mod:`.metrics`), the workers' heartbeats (:mod:`.heartbeats`), the admins' System page and the
staff pages' banner when no worker beats. Deployment recipes are in ``deploy/``."""

import time
from ipaddress import ip_network

from flask import Flask, g, request
from flask_login import current_user

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
