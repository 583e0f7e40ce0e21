"""Bearer tokens, and what a program-scoped token may see and change."""

import pytest

from helpdesk.api.models import ApiToken
from helpdesk.extensions import db
from tests.api.support import error_of, field_errors


def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(api):
    response = api.as_token(None).get("/cases")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "missing_token"


@pytest.mark.parametrize("authorization", ["Bearer hd_not-a-real-token", "Bearer nonsense", "Basic dXNlcjpwdw==",
                                           "Bearer " + "x" * 5000, "Bearer hd_\x7f\x00"])
def test_a_wrong_token_is_refused_with_a_bearer_challenge(api, authorization):
    response = api.as_token(None).get("/programs", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_records_when_it_was_last_used(api):
    token = db.session.query(ApiToken).one()
    assert token.last_used_at is None
    assert api.get("/programs").status_code == 200
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_an_unscoped_token_sees_every_program_and_case(api, make):
    first, second = make.program(), make.program()
    make.case(first), make.case(second)
    codes = [p["code"] for p in api.get("/programs").get_json()["items"]]
    assert {first.code, second.code} <= set(codes)
    assert {c["program"] for c in api.get("/cases").get_json()["items"]} >= {first.code, second.code}


@pytest.fixture
def two_programs(make, api, issue_token):
    """(own program, other program, client scoped to the own program)."""
    own, other = make.program(), make.program()
    return own, other, api.as_token(issue_token(own))


def test_a_program_scoped_token_cannot_see_another_programs_case(make, two_programs):
    _, other, scoped = two_programs
    case = make.case(other)
    assert scoped.get(f"/cases/{case.id}").status_code == 404
    assert scoped.patch(f"/cases/{case.id}", json={"status": "open"}).status_code == 404


def test_a_program_scoped_token_cannot_see_another_program_or_its_participants(make, two_programs):
    _, other, scoped = two_programs
    participant = make.participant(other)
    assert scoped.get(f"/programs/{other.code}").status_code == 404
    assert scoped.get(f"/programs/{other.code}/participants/{participant.external_id}").status_code == 404
    response = scoped.put(f"/programs/{other.code}/participants/{participant.external_id}",
                          json={"first_name": "Mallory"})
    assert response.status_code == 404
    db.session.refresh(participant)
    assert participant.first_name == "Anna"


def test_a_program_scoped_token_lists_only_its_own_programs_and_cases(make, two_programs):
    own, other, scoped = two_programs
    mine = make.case(own)
    make.case(other)
    assert [p["code"] for p in scoped.get("/programs").get_json()["items"]] == [own.code]
    assert [c["id"] for c in scoped.get("/cases").get_json()["items"]] == [mine.id]
    response = scoped.get("/cases", query_string={"program": other.code})
    assert response.status_code == 422
    assert "program" in field_errors(response)


def test_a_program_scoped_token_cannot_open_a_case_in_another_program(two_programs):
    _, other, scoped = two_programs
    response = scoped.post("/cases", json={"program": other.code, "channel": "phone", "category": "points",
                                           "subject": "Where are my points?"})
    assert response.status_code == 422
    assert "program" in field_errors(response)


def test_a_program_scoped_token_cannot_create_programs(two_programs):
    *_, scoped = two_programs
    response = scoped.post("/programs", json={"code": "NEW", "name": "New", "hotline_number": "+48221112233",
                                              "timezone": "Europe/Warsaw", "locale": "pl"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_a_program_scoped_token_filters_its_participants_without_naming_the_program(make, two_programs):
    own, _, scoped = two_programs
    participant = make.participant(own)
    case = make.case(own, participant=participant)
    make.case(own)
    response = scoped.get("/cases", query_string={"participant_external_id": participant.external_id})
    assert [c["id"] for c in response.get_json()["items"]] == [case.id]
