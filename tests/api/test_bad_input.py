"""Input no client should send: always a clear JSON error naming the field, never a 500, nothing half-saved."""

import pytest

from helpdesk.api.models import ApiToken
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from tests.api.support import error_of, field_errors


@pytest.fixture
def case(make, program):
    return make.case(program)


@pytest.fixture
def write_endpoints(program, case) -> list[tuple[str, str]]:
    return [("POST", "/programs"), ("PUT", f"/programs/{program.code}/participants/M-1"), ("POST", "/cases"),
            ("PATCH", f"/cases/{case.id}")]


NOT_JSON = [b"", b"{", b'{"subject": "x",}', b"{'subject': 'x'}", b"\xff\xfe{}", b"NaN]",
            b'{"points_balance": NaN}', b"[" * 100_000]


@pytest.mark.parametrize("body", NOT_JSON)
def test_a_body_that_is_not_json_is_a_400(api, write_endpoints, body):
    for method, path in write_endpoints:
        response = api.request(method, path, data=body, content_type="application/json")
        assert response.status_code == 400, (method, path)
        assert error_of(response)["code"] == "malformed_json"


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b'[{"subject": "x"}]'])
def test_a_body_that_is_not_an_object_is_a_400(api, write_endpoints, body):
    for method, path in write_endpoints:
        response = api.request(method, path, data=body, content_type="application/json")
        assert response.status_code == 400, (method, path)
        assert error_of(response)["code"] == "body_not_object"


def test_values_of_the_wrong_json_type_are_a_400_naming_each_field(api, program):
    response = api.post("/cases", json={"program": 7, "channel": ["phone"], "category": {"a": 1},
                                        "subject": True, "description": 1.5, "priority": 2})
    assert response.status_code == 400
    assert error_of(response)["code"] == "wrong_type"
    assert set(field_errors(response)) == {"program", "channel", "category", "subject", "description", "priority"}


def test_note_public_must_be_a_boolean(api, case):
    response = api.patch(f"/cases/{case.id}", json={"note": "Hi", "note_public": "yes"})
    assert response.status_code == 400
    assert field_errors(response) == {"note_public": "must be a JSON boolean"}


def test_unknown_keys_are_refused_so_typos_are_not_silently_ignored(api, case):
    response = api.patch(f"/cases/{case.id}", json={"priorty": "high"})
    assert response.status_code == 422
    assert field_errors(response) == {"priorty": "is not a field of this request"}
    db.session.refresh(case)
    assert case.priority.key == "normal"


@pytest.mark.parametrize("field", ["subject", "description"])
def test_a_nul_byte_in_text_is_a_field_error(api, program, field):
    response = api.post("/cases", json={"program": program.code, "channel": "sms", "category": "points",
                                        "subject": "Points", field: "lost\x00points"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {field}


def test_nul_bytes_anywhere_in_a_participant_or_program_are_field_errors(api, program):
    response = api.put(f"/programs/{program.code}/participants/M-1", json={
        "first_name": "An\x00na", "last_name": "\x00", "email": "a\x00@example.com", "locale": "pl\x00"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"first_name", "last_name", "email", "locale"}
    response = api.post("/programs", json={"code": "A\x00", "name": "N\x00", "hotline_number": "+48\x00221234567",
                                           "timezone": "Europe/Warsaw\x00", "locale": "pl"})
    assert set(field_errors(response)) == {"code", "name", "hotline_number", "timezone"}


def test_nul_bytes_in_references_are_field_errors_or_not_found(api, program, case):
    response = api.post("/cases", json={"program": program.code + "\x00", "channel": "sms", "category": "points",
                                        "subject": "Points"})
    assert set(field_errors(response)) == {"program"}
    response = api.post("/cases", json={"program": program.code, "participant_external_id": "M\x00",
                                        "channel": "sms", "category": "points", "subject": "Points"})
    assert set(field_errors(response)) == {"participant_external_id"}
    assert api.get(f"/programs/{program.code}%00").status_code == 404
    assert api.put(f"/programs/{program.code}/participants/M%00", json={"first_name": "A"}).status_code == 422


def test_a_failed_request_leaves_no_row_behind(api, make, program, case):
    participant = make.participant(program)
    counts = {model: db.session.query(model).count() for model in (Program, Participant, Case, CaseEvent)}
    bad_requests = [
        api.post("/programs", json={"code": "NEW", "name": "New", "hotline_number": "+48221239999",
                                    "timezone": "Europe/Warsaw", "locale": "xx"}),
        api.put(f"/programs/{program.code}/participants/M-NEW", json={"first_name": "Ann", "phone": "nope"}),
        api.put(f"/programs/{program.code}/participants/{participant.external_id}",
                json={"first_name": "Changed", "points_balance": -1}),
        api.post("/cases", json={"program": program.code, "channel": "phone", "category": "points",
                                 "subject": "s" * 201}),
        api.patch(f"/cases/{case.id}", json={"note": "Half a change", "status": "open", "priority": "asap"}),
        api.patch(f"/cases/{case.id}", json={"note": "Another", "assignee_email": "nobody@helpdesk.test"}),
    ]
    assert [r.status_code for r in bad_requests] == [422] * len(bad_requests)
    db.session.expire_all()
    assert {model: db.session.query(model).count() for model in counts} == counts
    assert (participant.first_name, case.status.value) == ("Anna", "new")
    # The token's "last used" stamp is a write of its own: a use is a use, whatever the request came to.
    assert db.session.query(ApiToken).one().last_used_at is not None


def test_a_failed_status_change_does_not_keep_the_note_sent_with_it(api, make, program, case):
    update_case(case, actor=make.SYSTEM, status="closed")
    events = db.session.query(CaseEvent).filter_by(case_id=case.id).count()
    response = api.patch(f"/cases/{case.id}", json={"note": "Reopening", "status": "open"})
    assert response.status_code == 409
    assert db.session.query(CaseEvent).filter_by(case_id=case.id).count() == events
