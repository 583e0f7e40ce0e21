"""What becomes an event of the live feed, written in the transaction of the change itself."""

import pytest
from sqlalchemy import select

from helpdesk.cases.services import update_case
from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.live import feed
from helpdesk.live.feed import KEEP_EVENTS, PRUNE_EVERY, FeedEvent, events_after
from helpdesk.live.models import LiveEvent
from helpdesk.telephony.models import Message
from tests.factories import SYSTEM
from tests.telephony.conftest import sid, signed_post


def feed_events(after: int = 0) -> list[tuple]:
    rows = db.session.scalars(select(LiveEvent).where(LiveEvent.id > after).order_by(LiveEvent.id))
    return [(e.topic, e.program_id, e.case_id, e.queues) for e in rows]


def newest() -> int:
    return feed.newest_id(db.session.connection())


def test_a_participants_text_becomes_one_case_event_of_its_program(client, hotline, caller):
    start = newest()
    signed_post(client, "/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": caller.phone,
                                                 "To": hotline.hotline_number, "Body": "Where is my blender?"})
    case_id = db.session.scalar(select(Message.case_id).where(Message.direction == "inbound"))
    assert feed_events(start) == [("case", hotline.id, case_id, True)]  # a new case: the queues change too


def test_a_ringing_call_and_its_menu_choice_are_call_events(client, hotline, caller):
    start = newest()
    params = {"CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number, "CallStatus": "ringing"}
    signed_post(client, "/twilio/voice/incoming", params)
    assert feed_events(start) == [("call", hotline.id, None, False)]
    signed_post(client, "/twilio/voice/menu", {**params, "Digits": "1"})
    topics = sorted(event[0] for event in feed_events(start))
    assert topics == ["call", "call", "case"]  # the new phone case is on the timeline and in the queues


def test_a_redelivered_call_webhook_writes_no_second_event(client, hotline, caller):
    params = {"CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number, "CallStatus": "ringing"}
    signed_post(client, "/twilio/voice/incoming", params)
    start = newest()
    signed_post(client, "/twilio/voice/incoming", params)
    assert feed_events(start) == []


def test_a_note_is_a_case_event_that_leaves_the_queues_alone(make, program):
    case = make.case(program)
    db.session.commit()
    start = newest()
    with unit_of_work():
        update_case(case, actor=SYSTEM, note="Called the vendor")
    assert feed_events(start) == [("case", program.id, case.id, False)]


def test_changes_of_one_transaction_are_one_event_per_case(make, program):
    case = make.case(program)
    db.session.commit()
    start = newest()
    with unit_of_work():
        update_case(case, actor=SYSTEM, note="Escalated", priority="urgent", status="pending_vendor")
    assert feed_events(start) == [("case", program.id, case.id, True)]


def test_a_rolled_back_change_writes_no_event(make, program):
    case = make.case(program)
    db.session.commit()
    start = newest()
    with pytest.raises(RuntimeError), unit_of_work():
        update_case(case, actor=SYSTEM, note="Never saved")
        raise RuntimeError("the use case failed")
    with unit_of_work():
        pass
    assert feed_events(start) == []


def test_catching_up_returns_what_came_after_the_last_event_seen(make, program):
    first = make.case(program)
    db.session.commit()
    seen = newest()
    second = make.case(program)
    db.session.commit()
    missed = events_after(db.session.connection(), seen)
    assert [(e.topic, e.case_id) for e in missed] == [("case", second.id)] and first.id != second.id
    assert events_after(db.session.connection(), newest()) == []


def test_a_page_further_behind_than_the_feed_keeps_is_told_to_reload(make, program):
    make.case(program)
    make.case(program)
    db.session.commit()
    oldest = db.session.scalar(select(LiveEvent.id).order_by(LiveEvent.id).limit(1))
    db.session.execute(LiveEvent.__table__.delete().where(LiveEvent.id == oldest))
    assert events_after(db.session.connection(), oldest - 1) is None
    assert events_after(db.session.connection(), newest() - 1, limit=0) is None  # more than the limit


def test_the_feed_keeps_only_its_newest_events(make, program, monkeypatch):
    monkeypatch.setattr(feed, "PRUNE_EVERY", 1)
    monkeypatch.setattr(feed, "KEEP_EVENTS", 2)
    for _ in range(4):
        make.case(program)
        db.session.commit()
    assert db.session.query(LiveEvent).count() == 2
    assert PRUNE_EVERY > 1 and KEEP_EVENTS > 1000  # the real settings keep a quarter of an hour or so


def test_an_event_survives_its_notification_text():
    event = FeedEvent(7, 3, "case", 42, True)
    assert FeedEvent.from_json(event.to_json()) == event
