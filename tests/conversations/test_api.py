"""API v1: a case's timeline, replies by SMS, and merging, each response checked against docs/openapi.yaml."""

from helpdesk.cases.models import Case, Status
from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.telephony.models import Message
from tests.api.support import field_errors


def test_a_reply_through_the_api_is_texted_and_answered_with_its_status(api, make, program):
    participant = make.participant(program, phone="+48 601 234 567")
    case = make.case(program, participant=participant, channel="sms")
    response = api.post(f"/cases/{case.id}/messages", json={"body": "Your parcel ships today 📦"})
    assert response.status_code == 201
    (message,) = response.get_json()["messages"]
    assert (message["direction"], message["body"], message["segments"]) == ("outbound", "Your parcel ships today 📦", 1)
    assert message["status"] == db.session.get(Message, message["id"]).status != "pending"  # sent at once
    db.session.expire_all()
    assert db.session.get(Case, case.id).first_response_at is not None


def test_a_reply_longer_than_one_text_goes_as_several_cut_between_words(api, make, program):
    case = make.case(program, participant=make.participant(program, phone="+48601234567"))
    words = "שלום عالم привет " * 150  # 2,550 characters, right-to-left and Cyrillic
    response = api.post(f"/cases/{case.id}/messages", json={"body": words})
    parts = [m["body"] for m in response.get_json()["messages"]]
    assert response.status_code == 201 and len(parts) == 2 and all(len(p) <= 1600 for p in parts)
    assert " ".join(parts) == words.strip()


def test_a_reply_to_a_participant_without_a_phone_or_opted_out_is_refused_with_the_reason(api, make, program):
    no_phone = make.case(program, participant=make.participant(program, phone=None))
    response = api.post(f"/cases/{no_phone.id}/messages", json={"body": "Hello"})
    assert response.status_code == 409 and "no phone number" in response.get_json()["error"]["message"]
    opted_out = make.participant(program, phone="+48601000999")
    opted_out.sms_opt_out = True
    response = api.post(f"/cases/{make.case(program, participant=opted_out).id}/messages", json={"body": "Hello"})
    assert response.status_code == 409 and "opted out" in response.get_json()["error"]["message"]
    assert db.session.query(Message).count() == 0


def test_an_empty_or_oversized_reply_is_a_field_error(api, make, program):
    case = make.case(program, participant=make.participant(program, phone="+48601234567"))
    assert field_errors(api.post(f"/cases/{case.id}/messages", json={"body": "  "})) == {"body": "is required"}
    assert "longer than 4800" in field_errors(api.post(f"/cases/{case.id}/messages",
                                                       json={"body": "x" * 4801}))["body"]


def test_the_timeline_names_actors_and_gives_messages_direction_and_status_page_by_page(api, make, program):
    agent = make.user(programs=[program], name="Marta Kowalska")
    case = make.case(program, participant=make.participant(program, phone="+48601234567"))
    update_case(case, actor=agent, note="Checked the order")
    db.session.commit()
    api.post(f"/cases/{case.id}/messages", json={"body": "It ships today"})
    first = api.get(f"/cases/{case.id}/timeline?limit=2").get_json()
    rest = api.get(f"/cases/{case.id}/timeline?limit=2&cursor={first['next']}").get_json()
    entries = first["items"] + rest["items"]
    assert [e["kind"] for e in entries] == ["created", "note", "sms_out"] and rest["next"] is None
    note, reply = entries[1], entries[2]
    assert (note["actor_name"], note["body"], note["direction"]) == ("Marta Kowalska", "Checked the order", None)
    assert (reply["actor_name"], reply["body"], reply["direction"]) == ("API: loyalty-platform", "It ships today",
                                                                        "outbound")
    assert reply["status"] and entries[0]["body"] is None


def test_a_bad_timeline_cursor_is_a_field_error(api, make):
    assert field_errors(api.get(f"/cases/{make.case().id}/timeline?cursor=nonsense")) == {
        "cursor": "is not a valid page cursor"}


def test_merging_through_the_api_moves_the_timeline_and_closes_the_merged_case(api, make, program):
    participant = make.participant(program)
    source = make.case(program, participant=participant)
    db.session.commit()  # its timeline first
    target = make.case(program, participant=participant)
    response = api.post(f"/cases/{source.id}/merge", json={"into": target.id})
    assert response.status_code == 200 and response.get_json()["id"] == target.id
    db.session.expire_all()
    merged = db.session.get(Case, source.id)
    assert merged.status == Status.CLOSED and merged.merged_into_id == target.id
    kinds = [e["kind"] for e in api.get(f"/cases/{target.id}/timeline").get_json()["items"]]
    assert kinds == ["created", "created", "merged_from"]
    assert [e["kind"] for e in api.get(f"/cases/{source.id}/timeline").get_json()["items"]] == [
        "merged_into", "status"]


def test_merging_into_itself_or_across_programs_is_refused_with_the_reason(api, make, program):
    case = make.case(program)
    itself = api.post(f"/cases/{case.id}/merge", json={"into": case.id})
    assert itself.status_code == 409 and "into itself" in itself.get_json()["error"]["message"]
    other = make.case(make.program())
    across = api.post(f"/cases/{case.id}/merge", json={"into": other.id})
    assert across.status_code == 409 and "another program" in across.get_json()["error"]["message"]
    assert field_errors(api.post(f"/cases/{case.id}/merge", json={})) == {
        "into": "must be the id of the case to merge into"}
    assert api.post(f"/cases/{case.id}/merge", json={"into": 2**31 - 1}).status_code == 404
