"""Programs and the participants the loyalty platform pushes into them."""

import pytest

from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from tests.api.support import field_errors

AURORA = {"code": "AURORA", "name": "Aurora Rewards", "hotline_number": "+48 22 123 45 67",
          "timezone": "Europe/Warsaw", "locale": "pl"}


def participant_path(program, external_id="M-1") -> str:
    code = program if isinstance(program, str) else program.code
    return f"/programs/{code}/participants/{external_id}"


def test_creating_a_program_returns_it_and_lists_it(api):
    response = api.post("/programs", json=AURORA)
    assert response.status_code == 201
    assert response.get_json() | {"created_at": None} == {
        "code": "AURORA", "name": "Aurora Rewards", "hotline_number": "+48221234567",
        "timezone": "Europe/Warsaw", "locale": "pl", "created_at": None}
    assert "AURORA" in [p["code"] for p in api.get("/programs").get_json()["items"]]
    assert api.get("/programs/AURORA").get_json()["name"] == "Aurora Rewards"


def test_a_program_with_bad_fields_reports_every_field_and_is_not_created(api):
    response = api.post("/programs", json={"code": "aurora!", "name": "", "hotline_number": "call us",
                                           "timezone": "Mars/Olympus", "locale": "xx"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"code", "name", "hotline_number", "timezone", "locale"}
    assert db.session.query(Program).filter_by(name="").count() == 0


def test_a_program_code_or_hotline_already_in_use_is_a_field_error(api, program):
    response = api.post("/programs", json=AURORA | {"code": program.code, "hotline_number": program.hotline_number})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"code", "hotline_number"}


def test_an_unknown_program_answers_404(api):
    assert api.get("/programs/NOPE").status_code == 404
    assert api.put(participant_path("NOPE"), json={"first_name": "Anna"}).status_code == 404


def test_putting_a_new_participant_creates_it(api, program):
    response = api.put(participant_path(program), json={
        "first_name": "Anna", "last_name": "Kowalska", "phone": "601 234 567", "email": "Anna@Example.com",
        "points_balance": 1200})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["external_id"], body["program"], body["phone"]) == ("M-1", program.code, "+48601234567")
    assert (body["email"], body["locale"], body["points_balance"]) == ("anna@example.com", program.locale, 1200)
    assert api.get(participant_path(program)).get_json() == body


def test_putting_an_external_id_again_updates_the_participant(api, program):
    assert api.put(participant_path(program), json={"first_name": "Anna", "points_balance": 10}).status_code == 201
    response = api.put(participant_path(program), json={"first_name": "Anna", "points_balance": 250})
    assert response.status_code == 200
    assert response.get_json()["points_balance"] == 250
    assert db.session.query(Participant).filter_by(program_id=program.id, external_id="M-1").count() == 1


def test_a_put_replaces_the_participant_so_fields_left_out_are_cleared(api, program):
    api.put(participant_path(program), json={"first_name": "Anna", "phone": "+48601234567", "points_balance": 5})
    body = api.put(participant_path(program), json={"first_name": "Anna"}).get_json()
    assert (body["phone"], body["email"], body["points_balance"]) == (None, None, 0)


def test_the_same_external_id_in_another_program_is_another_participant(api, make, program):
    other = make.program()
    assert api.put(participant_path(program), json={"first_name": "Anna"}).status_code == 201
    assert api.put(participant_path(other), json={"first_name": "Olga"}).status_code == 201


def test_a_foreign_number_with_its_country_code_is_kept(api, program):
    response = api.put(participant_path(program), json={"first_name": "John", "phone": "+44 20 7946 0018"})
    assert response.status_code == 201
    assert response.get_json()["phone"] == "+442079460018"


@pytest.mark.parametrize("phone", ["(202) 456-1111", "+48 123", "12ab34", "call me", "+999 1234567",
                                   "6" * 41, "601\x00234567"])
def test_a_malformed_or_foreign_national_phone_number_is_a_field_error(api, program, phone):
    response = api.put(participant_path(program), json={"first_name": "Anna", "phone": phone})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"phone"}
    assert api.get(participant_path(program)).status_code == 404


def test_a_participant_without_a_first_name_or_with_a_bad_email_is_refused(api, program):
    response = api.put(participant_path(program), json={"email": "not-an-email", "locale": "de"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"first_name", "email", "locale"}


@pytest.mark.parametrize(("points", "status"), [("abc", 400), (1.5, 400), (True, 400), ("12", 400), (-5, 422),
                                                (2_000_000_001, 422)])
def test_points_balance_must_be_a_whole_number_of_points(api, program, points, status):
    response = api.put(participant_path(program), json={"first_name": "Anna", "points_balance": points})
    assert response.status_code == status
    assert set(field_errors(response)) == {"points_balance"}


def test_an_external_id_that_cannot_exist_is_refused(api, program):
    response = api.put(participant_path(program, "M" * 65), json={"first_name": "Anna"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"external_id"}
    assert api.get(participant_path(program, "M" * 65)).status_code == 404
    assert api.get(participant_path(program, "M%00")).status_code == 404
