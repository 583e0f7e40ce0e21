"""POST /programs/{code}/participants:bulk: up to 1,000 participants by the rules of PUT, each item alone."""

from tests.api.support import error_of


def bulk(api, program, items):
    return api.post(f"/programs/{program.code}/participants:bulk", json=items)


def test_a_batch_creates_and_updates_participants_and_rejects_bad_items_alone(api, program, make):
    known = make.participant(program, external_id="PP-1")
    answer = bulk(api, program, [
        {"external_id": "PP-1", "first_name": "Anna", "last_name": "Nowak", "phone": "600 100 200",
         "points_balance": 10},
        {"external_id": "PP-2", "first_name": "Łucja", "email": "lucja@example.pl"},
        {"external_id": "PP-3", "first_name": "", "phone": "12"},
        {"external_id": "PP-2", "first_name": "Again"},
        {"external_id": "PP-4", "first_name": 5},
        "not an object",
    ])
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["summary"] == {"created": 1, "updated": 1, "unchanged": 0, "rejected": 4}
    results = body["results"]
    assert [(r["index"], r["external_id"], r["result"]) for r in results] == [
        (0, "PP-1", "updated"), (1, "PP-2", "created"), (2, "PP-3", "rejected"), (3, "PP-2", "rejected"),
        (4, "PP-4", "rejected"), (5, None, "rejected")]
    assert set(results[2]["error"]["fields"]) == {"first_name", "phone"}
    assert results[3]["error"]["fields"] == {"external_id": "duplicate of item 1"}
    assert results[4]["error"]["code"] == "wrong_type" and results[5]["error"]["code"] == "not_object"
    participant = api.get(f"/programs/{program.code}/participants/PP-1").get_json()
    assert (participant["phone"], participant["points_balance"], participant["email"]) == ("+48600100200", 10, None)
    assert known.id  # the same participant, updated in place (PUT's rules: fields not sent are cleared)
    again = bulk(api, program, [{"external_id": "PP-2", "first_name": "Łucja", "email": "lucja@example.pl"}])
    assert again.get_json()["summary"]["unchanged"] == 1


def test_a_batch_that_is_not_an_array_or_too_long_is_refused_whole(api, program):
    assert error_of(api.post(f"/programs/{program.code}/participants:bulk", json={"a": 1}))["code"] == (
        "body_not_array")
    too_many = bulk(api, program, [{"external_id": f"X{n}", "first_name": "A"} for n in range(1_001)])
    assert too_many.status_code == 422 and "at most 1,000" in error_of(too_many)["fields"]["body"]
