"""gunicorn's settings for the helpdesk: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app`` (the Procfile's ``web``
and ``deploy/systemd/helpdesk-web.service``). Each setting can be overridden on the command line.

- gthread workers: ``WEB_CONCURRENCY`` processes (default 2; about one per core) of ``GUNICORN_THREADS`` threads
  each (default 128). An open live-update stream (SSE) holds one thread for as long as the agent's page is open,
  so threads x processes bounds the live connections of a node (see docs/scaling.md); ``LIVE_MAX_STREAMS``
  (default 100 per process) keeps 28 threads of each process for ordinary requests. On a stop or restart the
  streams end at once and their pages reconnect (``post_worker_init``).
- The app is loaded once, in the master, before the workers fork (``preload_app``); before it binds its port the
  master checks the database: unreachable, or a schema older or newer than the code, ends it with one line that
  says what to do (``flask --app wsgi db upgrade``).
- Logs: JSON lines on stderr, the app's and gunicorn's alike (helpdesk.operations.logs). The access log is
  written without query strings (``%(U)s`` is the path only): a search for a phone number or an e-mail address
  leaves no trace of it.
- Metrics: prometheus_client's multiprocess mode in ``PROMETHEUS_MULTIPROC_DIR`` (default a folder of its own
  under the temporary directory), emptied when gunicorn starts; the files of a worker that exits are marked dead.
"""

import os
import tempfile
from pathlib import Path

bind = os.environ.get("HELPDESK_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "128"))
timeout = 30  # a worker that stops answering its master for this long is restarted (streams do not count)
graceful_timeout = 20  # on SIGTERM, requests in flight get this long; live streams are cut and reconnect
keepalive = 5  # behind nginx's upstream keepalive
preload_app = True
control_socket_disable = True  # gunicorn's control socket (~/.gunicorn): several instances would share it

accesslog = "-"
# Client address, method, path without query string, protocol, status, bytes, duration (ms), nginx's request id.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}i)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "helpdesk.operations.logs.RequestContext"},
                "mask": {"()": "helpdesk.operations.logs.MaskPersonalData"}},
    "formatters": {"json": {"()": "helpdesk.operations.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json",
                            "filters": ["request", "mask"]}},
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["stderr"]},
    "loggers": {"gunicorn.error": {"handlers": [], "propagate": True},
                "gunicorn.access": {"handlers": [], "propagate": True}},
}

# Before the app (and with it prometheus_client) is imported: the multiprocess mode is chosen at import.
METRICS_DIR = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                                         str(Path(tempfile.gettempdir()) / f"helpdesk-metrics-{os.getuid()}")))
METRICS_DIR.mkdir(parents=True, exist_ok=True)


def on_starting(server):
    """Once, as gunicorn starts (the app is loaded already): last run's metric files go, then the database is
    checked."""
    for stale in METRICS_DIR.glob("*.db"):
        stale.unlink()
    from helpdesk.operations import exit_unless_ready_to_serve

    exit_unless_ready_to_serve(server.app.wsgi())


def post_worker_init(worker):
    from helpdesk.live import end_streams_when_stopping

    end_streams_when_stopping(worker)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
