from datetime import timedelta

import pytest

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.operations.models import WorkerHeartbeat


def heartbeat(ago: timedelta, **fields) -> WorkerHeartbeat:
    beat_at = utcnow() - ago
    row = WorkerHeartbeat(host="worker-1", pid=4242, started_at=beat_at - timedelta(hours=1), beat_at=beat_at,
                          jobs_done=17, **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def live_worker():
    return heartbeat(timedelta(seconds=10))
