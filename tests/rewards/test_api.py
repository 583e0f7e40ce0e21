"""API v1 reward orders: PUT upserts one order, POST :bulk upserts many with a result per item."""

import pytest

from helpdesk.extensions import db
from helpdesk.rewards.delivery import open_delivery_case
from helpdesk.rewards.models import OrderStatus
from helpdesk.rewards.orders import find_order
from tests.api.support import error_of, field_errors
from tests.rewards.conftest import order_fields


@pytest.fixture
def participant(make, program):
    return make.participant(program)


def put_order(api, program, ref, body):
    return api.put(f"/programs/{program.code}/reward-orders/{ref}", json=body)


def test_put_creates_the_order_then_updates_it_and_records_the_status_change(api, program, participant):
    body = order_fields(participant)
    created = put_order(api, program, "API-1", body)
    assert created.status_code == 201
    order = created.get_json()
    assert (order["order_ref"], order["participant_external_id"], order["status"], order["ordered_at"]) == (
        "API-1", participant.external_id, "shipped", "2024-05-01T10:00:00.000Z")
    assert order["expected_delivery"] == "2024-05-08"
    assert [(s["old_status"], s["status"], s["source"]) for s in order["status_history"]] == [(None, "shipped", "API")]

    same = put_order(api, program, "API-1", body)
    assert same.status_code == 200 and same.get_json()["status_history"] == order["status_history"]
    delivered = put_order(api, program, "API-1", {**body, "status": "delivered", "carrier": None})
    assert delivered.status_code == 200
    history = delivered.get_json()["status_history"]
    assert [(s["old_status"], s["status"]) for s in history] == [(None, "shipped"), ("shipped", "delivered")]
    assert history[1]["changed_by"].startswith("API: ") and delivered.get_json()["carrier"] is None
    assert api.get(f"/programs/{program.code}/reward-orders/API-1").get_json() == delivered.get_json()


def test_put_reports_every_bad_field_at_once(api, program, participant):
    response = put_order(api, program, "BAD", order_fields(participant, points_spent=-1, ordered_at="yesterday",
                                                           status="teleported", expected_delivery="2024-13-01"))
    assert response.status_code == 422
    assert set(field_errors(response)) == {"points_spent", "ordered_at", "status", "expected_delivery"}
    unknown = put_order(api, program, "BAD", order_fields(participant, participant_external_id="NOBODY"))
    assert unknown.status_code == 422 and set(field_errors(unknown)) == {"participant_external_id"}
    assert find_order(program, "BAD") is None


def test_put_checks_json_types_and_unknown_keys(api, program, participant):
    wrong = put_order(api, program, "T", order_fields(participant, points_spent="100"))
    assert wrong.status_code == 400 and field_errors(wrong) == {"points_spent": "must be a JSON integer"}
    typo = put_order(api, program, "T", {**order_fields(participant), "tracking_nmber": "X"})
    assert typo.status_code == 422 and "tracking_nmber" in field_errors(typo)
    too_long = put_order(api, program, "R" * 65, order_fields(participant))
    assert too_long.status_code == 422 and set(field_errors(too_long)) == {"order_ref"}


def test_a_program_scoped_token_sees_only_its_program(api, issue_token, make, program, participant, make_order):
    other = make.program()
    make_order(participant, "MINE")
    scoped = api.as_token(issue_token(other))
    assert scoped.get(f"/programs/{program.code}/reward-orders/MINE").status_code == 404
    assert put_order(scoped, program, "X", order_fields(participant)).status_code == 404
    assert scoped.post(f"/programs/{program.code}/reward-orders:bulk", json=[]).status_code == 404
    assert api.get(f"/programs/{program.code}/reward-orders/NOPE").status_code == 404


def test_bulk_upserts_each_item_and_a_malformed_item_fails_alone(api, program, participant, make_order):
    make_order(participant, "OLD-1")
    make_order(participant, "OLD-2")
    items = [
        {"order_ref": "NEW-1", **order_fields(participant)},
        {"order_ref": "OLD-1", **order_fields(participant, status="delivered")},
        {"order_ref": "OLD-2", **order_fields(participant)},
        "not an object",
        {"order_ref": "WRONG", **order_fields(participant, points_spent="ten")},
        {"order_ref": "BADDATE", **order_fields(participant, ordered_at="31/12/2024")},
        {"order_ref": "WHO", **order_fields(participant, participant_external_id="NOBODY")},
        {"order_ref": "NEW-1", **order_fields(participant)},
        {**order_fields(participant), "colour": "red"},
    ]
    response = api.post(f"/programs/{program.code}/reward-orders:bulk", json=items)
    assert response.status_code == 200
    body = response.get_json()
    assert body["summary"] == {"created": 1, "updated": 1, "unchanged": 1, "rejected": 6}
    results = body["results"]
    assert [r["index"] for r in results] == list(range(9))
    assert [r["result"] for r in results[:3]] == ["created", "updated", "unchanged"]
    assert results[3]["error"]["code"] == "not_object" and results[3]["order_ref"] is None
    assert results[4]["error"] == {"code": "wrong_type", "message": "some fields have the wrong JSON type",
                                   "fields": {"points_spent": "must be a JSON integer"}}
    assert set(results[5]["error"]["fields"]) == {"ordered_at"}
    assert set(results[6]["error"]["fields"]) == {"participant_external_id"}
    assert results[7]["error"]["fields"] == {"order_ref": "duplicate of item 0"}
    assert set(results[8]["error"]["fields"]) == {"colour", "order_ref"}
    db.session.expire_all()
    assert find_order(program, "NEW-1") is not None and find_order(program, "OLD-1").status == OrderStatus.DELIVERED


def test_bulk_refuses_a_body_that_is_not_a_list_or_too_long(api, program, participant):
    url = f"/programs/{program.code}/reward-orders:bulk"
    assert error_of(api.post(url, json={"order_ref": "X"}))["code"] == "body_not_array"
    assert error_of(api.post(url, data="[", headers={"Content-Type": "application/json"}))["code"] == "malformed_json"
    too_many = api.post(url, json=[{}] * 1001)
    assert too_many.status_code == 422 and set(field_errors(too_many)) == {"body"}


def test_resolving_a_delivery_case_through_the_api_needs_a_resolution(api, program, participant, make_order, agent):
    case = open_delivery_case(make_order(participant), issue_type="late", actor=agent)
    db.session.commit()
    response = api.patch(f"/cases/{case.id}", json={"status": "resolved"})
    assert response.status_code == 409 and "needs a resolution first" in error_of(response)["message"]


def test_patch_changes_only_the_fields_sent_of_an_order_whose_reference_holds_slashes(api, program, participant):
    body = order_fields(participant)
    assert put_order(api, program, "ZAM%2F2026%2F00133", body).status_code == 201
    assert api.get(f"/programs/{program.code}/reward-orders/ZAM%2F2026%2F00133").get_json()["order_ref"] == (
        "ZAM/2026/00133")
    changed = api.patch(f"/programs/{program.code}/reward-orders/ZAM%2F2026%2F00133",
                        json={"status": "delivered", "tracking_number": None})
    order = changed.get_json()
    assert changed.status_code == 200
    assert (order["status"], order["tracking_number"], order["carrier"], order["reward_name"]) == (
        "delivered", None, "DPD", body["reward_name"])
    assert [(s["old_status"], s["status"]) for s in order["status_history"]] == [(None, "shipped"),
                                                                                ("shipped", "delivered")]


def test_patch_refuses_an_unknown_order_and_bad_values_naming_the_field(api, program, participant):
    put_order(api, program, "P-1", order_fields(participant))
    unknown = api.patch(f"/programs/{program.code}/reward-orders/NOPE", json={"status": "delivered"})
    assert unknown.status_code == 404
    bad = api.patch(f"/programs/{program.code}/reward-orders/P-1", json={"status": "beamed", "points_spent": -1})
    assert bad.status_code == 422 and set(field_errors(bad)) == {"status", "points_spent"}
    assert api.patch(f"/programs/{program.code}/reward-orders/P-1", json={"colour": "red"}).status_code == 422
    assert api.get(f"/programs/{program.code}/reward-orders/P-1").get_json()["status"] == "shipped"
