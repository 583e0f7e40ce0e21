"""/healthz answers without the database; /readyz checks database, schema, worker heartbeat and outbox."""

from datetime import timedelta

from sqlalchemy import text

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.jobs.worker import worker_command
from helpdesk.operations.models import WorkerHeartbeat
from helpdesk.telephony.models import Message
from helpdesk.telephony.outbox import send_sms
from tests.conftest import build_app
from tests.factories import SYSTEM
from tests.operations.conftest import heartbeat


def failing(response) -> dict[str, str]:
    return {name: check["detail"] for name, check in response.json["checks"].items() if not check["ok"]}


def outbound(program, *, due_since: timedelta, status="pending") -> Message:
    message = Message(program=program, direction="outbound", from_number=program.hotline_number,
                      to_number="+48601234567", body="Thank you", status=status,
                      next_attempt_at=utcnow() - due_since)
    db.session.add(message)
    db.session.flush()
    return message


def test_healthz_answers_without_touching_the_database(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/missing-folder/helpdesk.db")  # any database access would fail
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_200_with_every_check_passing(client, live_worker, program):
    outbound(program, due_since=timedelta(seconds=30))
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    assert set(response.json["checks"]) == {"database", "schema", "worker", "outbox"}
    assert response.json["checks"]["outbox"]["detail"].startswith("1 texts due")


def test_readyz_fails_without_any_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["status"] == "not ready"
    assert failing(response) == {"worker": "no worker has ever run: start `flask --app wsgi worker`"}


def test_readyz_fails_when_the_last_heartbeat_is_older_than_two_minutes(client):
    heartbeat(timedelta(minutes=2, seconds=5))
    response = client.get("/readyz")
    assert response.status_code == 503 and list(failing(response)) == ["worker"]
    assert "last heartbeat 125 s ago" in failing(response)["worker"]


def test_readyz_fails_when_the_oldest_due_text_waited_five_minutes(client, live_worker, program):
    outbound(program, due_since=timedelta(minutes=1))
    outbound(program, due_since=timedelta(minutes=6), status="sending")  # a claim whose worker died
    outbound(program, due_since=-timedelta(minutes=30))  # backing off: not due yet
    response = client.get("/readyz")
    assert response.status_code == 503 and list(failing(response)) == ["outbox"]
    assert failing(response)["outbox"].startswith("2 texts due, the oldest waiting 36")


def test_readyz_fails_on_a_schema_older_than_the_code(client, live_worker):
    db.session.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "older than this version of the app" in failing(response)["schema"]
    assert "run `flask --app wsgi db upgrade`" in failing(response)["schema"]


def test_readyz_fails_on_a_schema_newer_than_the_code(client, live_worker):
    db.session.execute(text("UPDATE alembic_version SET version_num = 'f00d_from_the_future'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "(f00d_from_the_future) is newer than this version of the app" in failing(response)["schema"]


def test_readyz_fails_when_the_database_cannot_be_reached(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/missing-folder/helpdesk.db")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert failing(response) == {"database": "unable to open database file",
                                 **dict.fromkeys(("schema", "worker", "outbox"), "the database cannot be reached")}


def test_one_worker_pass_records_its_heartbeat_and_jobs(runner, make):
    program = make.program()
    send_sms(program, "+48601234567", "Your parcel is on its way", actor=SYSTEM)
    db.session.commit()
    result = runner.invoke(worker_command, ["--once"])
    assert result.exit_code == 0, result.output
    (row,) = db.session.query(WorkerHeartbeat).all()
    assert row.jobs_done == 1 and row.stopped_at is not None
