"""Opening, reading, listing and changing cases through API v1."""

from datetime import datetime

import pytest

from helpdesk.cases.models import CaseEvent
from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.pagination import encode_cursor
from tests.api.support import error_of, field_errors

TIMESTAMPS = ("created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
              "first_response_due_at", "resolution_due_at")


def new_case(program, **fields) -> dict:
    return {"program": program.code, "channel": "phone", "category": "reward_delivery",
            "subject": "Reward not delivered", **fields}


def test_opening_a_case_returns_it_with_utc_timestamps(api, make, program):
    participant = make.participant(program)
    response = api.post("/cases", json=new_case(program, participant_external_id=participant.external_id,
                                                description="Headphones ordered in May.", priority="high"))
    assert response.status_code == 201
    case = response.get_json()
    assert (case["number"], case["reference"], case["status"], case["priority"]) == (1, f"{program.code}-1",
                                                                                      "new", "high")
    assert (case["program"], case["participant_external_id"], case["assignee_email"]) == (
        program.code, participant.external_id, None)
    assert case["created_at"].endswith("Z") and datetime.fromisoformat(case["created_at"]).utcoffset().seconds == 0
    assert case["first_response_due_at"] is not None and case["resolved_at"] is None
    assert set(TIMESTAMPS) <= set(case)
    assert api.get(f"/cases/{case['id']}").get_json() == case


@pytest.mark.parametrize("unknown_caller", [{}, {"participant_external_id": None}, {"participant_external_id": ""}])
def test_a_case_from_an_unknown_caller_needs_no_participant(api, program, unknown_caller):
    response = api.post("/cases", json=new_case(program, **unknown_caller))
    assert response.status_code == 201
    assert response.get_json()["participant_external_id"] is None
    assert response.get_json()["priority"] == "normal"


def test_the_participant_must_belong_to_the_cases_program(api, make, program):
    stranger = make.participant(make.program())
    for external_id in (stranger.external_id, "NOBODY"):
        response = api.post("/cases", json=new_case(program, participant_external_id=external_id))
        assert response.status_code == 422
        assert set(field_errors(response)) == {"participant_external_id"}


def test_opening_a_case_reports_every_bad_field_at_once(api, program):
    response = api.post("/cases", json=new_case(program, channel="fax", category="gossip", subject=None,
                                                priority="whenever"))
    assert response.status_code == 422
    assert set(field_errors(response)) == {"channel", "category", "subject", "priority"}


def test_a_case_needs_a_program(api):
    response = api.post("/cases", json={"channel": "phone", "category": "points", "subject": "Points"})
    assert response.status_code == 422
    assert field_errors(response) == {"program": "is required"}


@pytest.mark.parametrize(("field", "length"), [("subject", 201), ("description", 10_001)])
def test_oversized_text_is_a_field_error(api, program, field, length):
    response = api.post("/cases", json=new_case(program, **{field: "x" * length}))
    assert response.status_code == 422
    assert set(field_errors(response)) == {field}


def test_text_at_the_size_limits_is_accepted(api, program):
    response = api.post("/cases", json=new_case(program, subject="s" * 200, description="d" * 10_000))
    assert response.status_code == 201


def test_listing_pages_through_cases_newest_first(api, make, program):
    ids = [make.case(program).id for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = api.get("/cases", query_string={"program": program.code, "limit": 2, **({"cursor": cursor} if cursor
                                                                                          else {})}).get_json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == ids[::-1]


def test_listing_uses_the_configured_page_size(api, app, make, program, monkeypatch):
    monkeypatch.setitem(app.config, "API_PAGE_SIZE", 3)
    for _ in range(4):
        make.case(program)
    page = api.get("/cases", query_string={"program": program.code}).get_json()
    assert len(page["items"]) == 3 and page["next"]


def test_listing_filters_by_program_status_and_participant(api, make, program):
    participant = make.participant(program)
    theirs = make.case(program, participant=participant)
    closed = make.case(program, participant=participant)
    update_case(closed, actor=make.SYSTEM, status="closed")
    make.case(program)
    make.case(make.program(), participant=None)

    def ids(**args):
        return [c["id"] for c in api.get("/cases", query_string={"program": program.code, **args}).get_json()["items"]]

    assert len(ids()) == 3
    assert ids(participant_external_id=participant.external_id) == [closed.id, theirs.id]
    assert ids(participant_external_id=participant.external_id, status="new") == [theirs.id]
    assert ids(status="closed") == [closed.id]


@pytest.mark.parametrize(("args", "field"), [
    ({"limit": "0"}, "limit"), ({"limit": "201"}, "limit"), ({"limit": "ten"}, "limit"), ({"limit": "1.5"}, "limit"),
    ({"limit": "9" * 5000}, "limit"), ({"cursor": "not-a-cursor"}, "cursor"), ({"status": "lost"}, "status"),
    ({"program": "NOPE"}, "program"), ({"participant_external_id": "M1"}, "program"),
    ({"program": "x" * 5000}, "program"), ({"status": "x" * 5000}, "status"), ({"cursor": "x" * 5000}, "cursor"),
    ({"participant_external_id": "x" * 5000}, "participant_external_id"),
    ({"participant_external_id": "M1\x00"}, "participant_external_id"), ({"status": "new\x00"}, "status"),
])
def test_a_bad_query_argument_is_a_422_naming_it(api, program, args, field):
    response = api.get("/cases", query_string=args)
    assert response.status_code == 422
    assert field in field_errors(response)


def test_a_forged_cursor_holding_a_huge_id_is_refused(api):
    response = api.get("/cases", query_string={"cursor": encode_cursor([10**30])})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"cursor"}


def test_an_unknown_case_answers_404(api):
    assert api.get("/cases/999999").status_code == 404
    assert api.patch("/cases/999999", json={"status": "open"}).status_code == 404


def test_a_case_id_beyond_any_database_integer_answers_404(api):
    response = api.get("/cases/99999999999999999999999")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_changing_status_and_priority_returns_the_changed_case(api, make, program):
    case = make.case(program)
    response = api.patch(f"/cases/{case.id}", json={"status": "resolved", "priority": "urgent"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["priority"]) == ("resolved", "urgent")
    assert body["resolved_at"] is not None


def test_assignee_email_assigns_and_null_or_empty_unassigns_and_absent_keeps(api, make, program):
    agent = make.user(programs=[program])
    case = make.case(program)
    assert api.patch(f"/cases/{case.id}", json={"assignee_email": agent.email.upper()}).get_json()[
        "assignee_email"] == agent.email
    assert api.patch(f"/cases/{case.id}", json={"priority": "low"}).get_json()["assignee_email"] == agent.email
    assert api.patch(f"/cases/{case.id}", json={"assignee_email": None}).get_json()["assignee_email"] is None
    api.patch(f"/cases/{case.id}", json={"assignee_email": agent.email})
    assert api.patch(f"/cases/{case.id}", json={"assignee_email": ""}).get_json()["assignee_email"] is None


def test_an_assignee_who_is_unknown_or_does_not_serve_the_program_is_a_field_error(api, make, program):
    outsider = make.user(programs=[make.program()])
    case = make.case(program)
    for email in ("nobody@helpdesk.test", outsider.email, "x" * 300, "a\x00@b.c"):
        response = api.patch(f"/cases/{case.id}", json={"assignee_email": email})
        assert response.status_code == 422
        assert set(field_errors(response)) == {"assignee_email"}


def test_the_assignee_error_does_not_tell_whether_the_address_belongs_to_staff(api, make, program):
    """Unknown, serving another program, or deactivated: one answer, so no staff address can be probed."""
    outsider = make.user(programs=[make.program()])
    former = make.user(programs=[program])
    former.active = False
    case = make.case(program)
    answers = {email: api.patch(f"/cases/{case.id}", json={"assignee_email": email}).get_json()
               for email in ("nobody@helpdesk.test", outsider.email, former.email)}
    assert all(body == {"error": {"code": "invalid", "message": "assignee_email: is not an assignable user of this "
                                  "program", "fields": {"assignee_email": "is not an assignable user of this "
                                                                          "program"}}} for body in answers.values())


def test_a_note_is_internal_and_a_public_one_is_refused_with_the_reply_path(api, make, program):
    case = make.case(program)
    response = api.patch(f"/cases/{case.id}", json={"note": "Called the courier.", "note_public": False})
    assert response.status_code == 200 and response.get_json()["first_response_at"] is None
    refused = api.patch(f"/cases/{case.id}", json={"note": "We are on it.", "note_public": True})
    assert refused.status_code == 422 and "/messages" in refused.get_json()["error"]["fields"]["note_public"]
    notes = db.session.query(CaseEvent).filter_by(case_id=case.id, kind="note").order_by(CaseEvent.id).all()
    assert [(n.body, n.is_public, n.author_name) for n in notes] == [
        ("Called the courier.", False, "API: loyalty-platform")]


@pytest.mark.parametrize("status", ["new", "open"])
def test_a_closed_case_cannot_be_reopened_or_made_new(api, make, program, status):
    case = make.case(program)
    update_case(case, actor=make.SYSTEM, status="closed")
    response = api.patch(f"/cases/{case.id}", json={"status": status})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_a_case_cannot_go_back_to_new(api, make, program):
    case = make.case(program)
    api.patch(f"/cases/{case.id}", json={"status": "open"})
    assert api.patch(f"/cases/{case.id}", json={"status": "new"}).status_code == 409


def test_unknown_enum_values_in_a_change_are_field_errors(api, make, program):
    case = make.case(program)
    response = api.patch(f"/cases/{case.id}", json={"status": "lost", "priority": "asap"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"status", "priority"}
