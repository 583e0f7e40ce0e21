"""``flask --app wsgi worker`` as a real process: it loops until SIGTERM and then stops cleanly."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, select

from helpdesk.operations.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_refreshes_statistics_loops_until_sigterm_and_stops_cleanly(fresh_database):
    """Its heartbeat row says where it ran, when it started, beat and stopped (and when it ran ANALYZE)."""
    url = fresh_database("_worker")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "WORKER_INTERVAL_SECONDS": "0.2"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert worker.stdout.readline().strip() == "Worker started."
        if url.startswith("sqlite"):  # on starting; PostgreSQL: autovacuum
            assert worker.stdout.readline().startswith("Query statistics refreshed")
        time.sleep(1)  # a few passes
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        worker.kill()
    assert worker.returncode == 0, output
    assert output.strip().endswith("Worker stopped.")
    assert "Query statistics refreshed" not in output  # once, on starting
    engine = create_engine(url)
    with engine.connect() as connection:
        (row,) = connection.execute(select(WorkerHeartbeat.__table__)).mappings().all()
    engine.dispose()
    assert row["pid"] == worker.pid and row["host"] == socket.gethostname()
    assert row["started_at"] <= row["beat_at"] and row["stopped_at"] is not None
    assert (row["statistics_at"] is not None) == url.startswith("sqlite")
