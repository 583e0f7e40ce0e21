"""The privacy API: DELETE erases (recordings deleted at Twilio through the real client, pending while Twilio
fails, finished by the worker), GET …/export streams the ZIP, GET /audit-events for unscoped tokens."""

import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from helpdesk.audit.models import AuditEvent
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.privacy.models import RecordingDeletion
from helpdesk.privacy.recordings import delete_due_recordings
from tests.api.support import error_of
from tests.telephony.conftest import answer_recording_deletes, recording_deletes


def test_delete_erases_the_participant_and_the_recording_at_twilio(api, person, program, twilio):
    answer_recording_deletes(twilio)
    response = api.request("DELETE", f"/programs/{program.code}/participants/ZW-778812")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "erased" and body["recordings_pending"] == 0 and body["erased"]["recordings"] == 1
    assert recording_deletes(twilio) == [person.recording_sid]
    db.session.expire_all()
    assert db.session.scalars(select(RecordingDeletion)).one().deleted_at is not None
    again = api.request("DELETE", f"/programs/{program.code}/participants/ZW-778812")
    assert again.status_code == 404
    assert api.get(f"/programs/{program.code}/participants/ZW-778812").status_code == 404


def test_when_twilio_fails_the_erasure_is_pending_until_the_worker_deletes_the_recording(api, person, program,
                                                                                           twilio):
    answer_recording_deletes(twilio, status=500)
    body = api.request("DELETE", f"/programs/{program.code}/participants/ZW-778812").get_json()
    assert body["status"] == "pending" and body["recordings_pending"] == 1
    db.session.expire_all()
    deletion = db.session.scalars(select(RecordingDeletion)).one()
    assert deletion.attempts == 1 and "500" in deletion.last_error and deletion.next_attempt_at > utcnow()
    assert delete_due_recordings() == {"deleted": 0, "failed": 0}  # not due yet: no hammering of Twilio
    answer_recording_deletes(twilio)
    assert delete_due_recordings(now=utcnow() + timedelta(hours=1)) == {"deleted": 1, "failed": 0}
    db.session.expire_all()
    assert db.session.scalars(select(RecordingDeletion)).one().deleted_at is not None
    assert db.session.scalar(select(AuditEvent.target_id).where(AuditEvent.action == "recording.deleted")) == \
        person.recording_sid


def test_an_open_case_refuses_the_erasure_with_409(api, make, program):
    participant = make.participant(program, external_id="OPEN-1")
    make.case(program, participant=participant)
    response = api.request("DELETE", f"/programs/{program.code}/participants/OPEN-1")
    assert response.status_code == 409 and "resolve or close" in error_of(response)["message"]
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).erased_at is None


def test_an_unknown_participant_is_404(api, program):
    assert api.request("DELETE", f"/programs/{program.code}/participants/NOBODY").status_code == 404
    assert api.get(f"/programs/{program.code}/participants/NOBODY/export").status_code == 404


def test_a_token_of_another_program_cannot_erase(api, person, make, issue_token, program):
    other = issue_token(make.program())
    assert api.as_token(other).request("DELETE", f"/programs/{program.code}/participants/ZW-778812"
                                       ).status_code == 404


def test_the_export_is_a_zip_of_json_and_csv_files(api, person, program):
    response = api.get(f"/programs/{program.code}/participants/ZW-778812/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert {"participant.json", "messages.csv", "calls.csv", "reward_orders.csv"} <= names
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "participant.exported")
                             )["complete"] is True


def test_audit_events_page_by_cursor_with_filters(api, person, program):
    first = api.get("/audit-events", query_string={"limit": 2})
    assert first.status_code == 200
    body = first.get_json()
    assert len(body["items"]) == 2 and body["next"]
    second = api.get("/audit-events", query_string={"limit": 2, "cursor": body["next"]})
    ids = [e["id"] for e in body["items"]] + [e["id"] for e in second.get_json()["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4
    created = api.get("/audit-events", query_string={"action": "participant.created"}).get_json()["items"]
    assert [e["target"] for e in created] == [{"type": "participant", "id": str(person.participant_id)}]
    assert created[0]["changes"]["first_name"] == [None, "Zenobia"] and created[0]["program"] == program.code
    later = api.get("/audit-events", query_string={"since": (utcnow() + timedelta(minutes=1)).isoformat()})
    assert later.get_json()["items"] == []


def test_a_program_scoped_token_may_not_read_the_audit_log(api, issue_token, program):
    response = api.as_token(issue_token(program)).get("/audit-events")
    assert response.status_code == 403


def test_bad_audit_filters_are_422_naming_the_argument(api):
    for args, name in (({"action": "nonsense"}, "action"), ({"since": "yesterday"}, "since"),
                       ({"program": "NOPE"}, "program"), ({"cursor": "garbage"}, "cursor")):
        response = api.get("/audit-events", query_string=args)
        assert response.status_code == 422 and name in error_of(response)["fields"], args
