"""Prometheus metrics (``GET /metrics``, :mod:`helpdesk.operations.views`).

Counted where things happen, in the process that does them: request latency per endpoint and webhook outcomes
(web), texts handed to the gateway (the worker, and the web app for an agent's reply sent at once), surveys
dispatched (worker) and answered (web), live-update connections (web). Under gunicorn every process writes its
values to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode; the directory is emptied
when gunicorn starts, ``deploy/gunicorn.conf.py``), and ``/metrics`` adds them up; a worker sharing that
directory (the systemd units do) is counted with the web processes of its machine.

Read from the database at each scrape, for the whole deployment: the outbox backlog and the age of its oldest
due text, the workers' heartbeat age.
"""

import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from helpdesk.database import utcnow

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # each process writes its values there from the first metric on
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
REQUEST_SECONDS = Histogram(
    "helpdesk_request_duration_seconds", "Time to answer a request, by endpoint", ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
WEBHOOKS = Counter("helpdesk_webhooks", "Twilio webhook requests by outcome (ok, bad_signature, refused, error)",
                   ["webhook", "outcome"])
TEXTS = Counter("helpdesk_texts", "Outbound texts handed to the SMS gateway, by outcome (sent, retry, failed)",
                ["outcome"])
SURVEYS = Counter("helpdesk_surveys", "Satisfaction surveys dispatched and answered", ["event"])
LIVE_CONNECTIONS = Gauge("helpdesk_live_connections", "Open live-update (SSE) connections",
                         multiprocess_mode="livesum")


def webhook_outcome(status: int) -> str:
    if status == 403:
        return "bad_signature"
    return "ok" if status < 400 else "error" if status >= 500 else "refused"


class DatabaseCollector:
    """Deployment-wide gauges read at scrape time (in the request's app context)."""

    def collect(self):
        from helpdesk.operations.health import last_beat, outbox

        now = utcnow()
        state = outbox(now)
        backlog = GaugeMetricFamily("helpdesk_outbox_messages", "Outbound texts waiting in the outbox",
                                    labels=["state"])
        backlog.add_metric(["due"], state.due)
        backlog.add_metric(["waiting"], state.waiting)
        yield backlog
        yield GaugeMetricFamily("helpdesk_outbox_oldest_due_age_seconds",
                                "How long the oldest due text has waited (0 when none is due)",
                                value=state.age(now).total_seconds())
        beat = last_beat()
        yield GaugeMetricFamily("helpdesk_worker_heartbeat_age_seconds",
                                "Seconds since the last heartbeat of any worker (+Inf: none ever ran)",
                                value=(now - beat).total_seconds() if beat else float("inf"))


_DATABASE = CollectorRegistry()
_DATABASE.register(DatabaseCollector())


def exposition() -> bytes:
    """Every metric in Prometheus's text format: the processes' own (added up across them in multiprocess
    mode), then the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_DATABASE)
