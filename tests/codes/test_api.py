"""API v1 codes: PUT creates a code or changes the fields sent, GET reads it (compared without spaces and case),
POST :bulk upserts many with a result per item."""

from tests.api.support import field_errors


def test_put_creates_a_code_then_changes_only_the_fields_sent(api, program, make):
    participant = make.participant(program, external_id="PP-7")
    created = api.put(f"/programs/{program.code}/codes/ab12 cd34", json={"status": "valid", "points": 50,
                                                                       "expires_at": "2027-01-31"})
    assert created.status_code == 201
    assert (created.get_json()["value"], created.get_json()["expires_at"]) == ("ab12 cd34", "2027-01-31T00:00:00.000Z")
    used = api.put(f"/programs/{program.code}/codes/AB12CD34", json={
        "status": "used", "participant_external_id": "PP-7", "used_at": "2026-11-08T14:30:00+01:00"})
    code = used.get_json()
    assert used.status_code == 200
    assert (code["value"], code["status"], code["points"], code["participant_external_id"], code["used_at"]) == (
        "ab12 cd34", "used", 50, participant.external_id, "2026-11-08T13:30:00.000Z")
    assert api.get(f"/programs/{program.code}/codes/Ab12%20Cd34").get_json() == code


def test_a_new_code_needs_a_status_and_bad_fields_are_named(api, program):
    no_status = api.put(f"/programs/{program.code}/codes/NEW-1", json={"points": 5})
    assert no_status.status_code == 422 and field_errors(no_status) == {"status": "is required for a new code"}
    bad = api.put(f"/programs/{program.code}/codes/NEW-1", json={"status": "lost", "points": -1,
                                                                "participant_external_id": "NOBODY"})
    assert bad.status_code == 422 and set(field_errors(bad)) == {"status", "points"}
    assert api.get(f"/programs/{program.code}/codes/NEW-1").status_code == 404


def test_a_code_with_a_slash_is_reached_percent_encoded(api, program):
    assert api.put(f"/programs/{program.code}/codes/PL%2F2026%2F1", json={"status": "valid"}).status_code == 201
    assert api.get(f"/programs/{program.code}/codes/pl%2F2026%2F1").get_json()["value"] == "PL/2026/1"


def test_bulk_upserts_codes_and_rejects_duplicates_and_unknown_participants_alone(api, program):
    answer = api.post(f"/programs/{program.code}/codes:bulk", json=[
        {"value": "C-1", "status": "valid"}, {"value": "c-1 ", "status": "used"},
        {"value": "C-2", "status": "used", "participant_external_id": "NOBODY"}, {"value": "C-3"}])
    body = answer.get_json()
    assert body["summary"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 3}
    errors = [r.get("error", {}).get("fields") for r in body["results"]]
    assert errors == [None, {"value": "duplicate of item 0"},
                      {"participant_external_id": f"no participant 'NOBODY' in program {program.code}"},
                      {"status": "is required for a new code"}]
