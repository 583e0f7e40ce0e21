"""The pages a live page fetches: the call bar with its screen pop, new timeline entries, the queue counts."""

from datetime import date, timedelta

from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.live.callbar import render_call_line
from helpdesk.rewards.orders import upsert_order
from helpdesk.telephony.models import Call
from tests.conftest import login
from tests.factories import SYSTEM
from tests.rewards.conftest import order_fields
from tests.telephony.conftest import sid, signed_post


def ring(client, hotline, caller_phone):
    params = {"CallSid": sid("CA"), "From": caller_phone, "To": hotline.hotline_number, "CallStatus": "ringing"}
    signed_post(client, "/twilio/voice/incoming", params)
    return params


def test_a_ringing_call_shows_with_the_screen_pop(client, make, hotline, caller, agent_of_hotline):
    earlier = make.case(hotline, participant=caller, subject="Voucher rejected")
    upsert_order(hotline, "ORD-LATE", {**order_fields(caller), "reward_name": "Coffee machine", "status": "shipped",
                                       "expected_delivery": (date.today() - timedelta(days=3)).isoformat()},
                 actor=SYSTEM, source="test")
    ring(client, hotline, caller.phone)
    login(client, agent_of_hotline)
    bar = client.get("/live/calls").get_data(as_text=True)
    assert 'data-call-state="ringing"' in bar and "Ringing" in bar and "Anna Nowak" in bar
    assert "1,200 points" in bar and ">pl<" in bar and earlier.reference in bar
    assert "1 late order" in bar and "Coffee machine (ORD-LATE)" in bar
    assert "Take call" in bar


def test_a_call_answered_on_an_agents_phone_shows_as_answered_by_them(client, make, hotline, caller,
                                                                      agent_of_hotline):
    answering = make.user(programs=[hotline], name="Olga Agentka")
    answering.phone = "+48601000002"
    params = ring(client, hotline, caller.phone)
    signed_post(client, "/twilio/voice/menu", {**params, "Digits": "1", "CallStatus": "in-progress"})
    leg = {"CallSid": sid("CA"), "ParentCallSid": params["CallSid"], "From": hotline.hotline_number,
           "To": "+48 601 000 002", "CallStatus": "in-progress", "Direction": "outbound-dial"}
    response = signed_post(client, "/twilio/voice/answered", leg)
    assert response.status_code == 200 and "<Response />" in response.get_data(as_text=True)
    call = db.session.query(Call).one()
    assert (call.agent, call.outcome, call.answered_number) == (answering, "answered", "+48601000002")
    login(client, agent_of_hotline)
    bar = client.get("/live/calls").get_data(as_text=True)
    assert 'data-call-state="answered"' in bar and "Answered by Olga Agentka" in bar
    assert "Open case " + call.case.reference in bar
    assert "Olga Agentka answered the call" in client.get(f"/cases/{call.case_id}").get_data(as_text=True)


def test_the_second_phone_to_answer_changes_nothing(client, make, hotline, caller):
    first, second = make.user(programs=[hotline]), make.user(programs=[hotline])
    first.phone, second.phone = "+48601000001", "+48601000002"
    params = ring(client, hotline, caller.phone)
    for number in ("+48601000001", "+48601000002"):
        signed_post(client, "/twilio/voice/answered", {"CallSid": sid("CA"), "ParentCallSid": params["CallSid"],
                                                       "To": number, "From": hotline.hotline_number})
    assert db.session.query(Call).one().agent == first


def test_missed_and_voicemail_calls_stay_in_the_bar_for_a_moment(client, hotline, caller, agent_of_hotline):
    missed = ring(client, hotline, caller.phone)
    signed_post(client, "/twilio/voice/status", {**missed, "CallStatus": "no-answer"})
    voicemail = ring(client, hotline, caller.phone)
    signed_post(client, "/twilio/voice/menu", {**voicemail, "Digits": "0"})
    signed_post(client, "/twilio/voice/recorded", voicemail)
    login(client, agent_of_hotline)
    bar = client.get("/live/calls").get_data(as_text=True)
    assert 'data-call-state="missed"' in bar and 'data-call-state="voicemail"' in bar


def test_a_calls_line_for_its_programs_streams_is_the_bars_line_without_the_users_token(app, client, hotline,
                                                                                          caller):
    ring(client, hotline, caller.phone)
    call = db.session.query(Call).one()
    line = render_call_line(app, call.id, "en")
    assert f'data-call-id="{call.id}"' in line and "Ringing" in line and "Anna Nowak" in line
    assert 'name="csrf_token" value=""' in line  # the page's own token goes in
    assert render_call_line(app, None, "en") == render_call_line(app, call.id + 1, "en") == ""


def test_another_programs_calls_stay_out_of_the_bar(client, make, hotline, caller):
    ring(client, hotline, caller.phone)
    other = make.program()
    login(client, make.user(programs=[other]))
    assert "data-call-id" not in client.get("/live/calls").get_data(as_text=True)


def test_the_timeline_gives_only_the_entries_after_the_last_one_shown(client, make, program, agent):
    case = make.case(program)
    update_case(case, actor=SYSTEM, note="First <b>note</b>")
    login(client, agent)
    entries = client.get(f"/live/cases/{case.id}/timeline").get_data(as_text=True)
    assert entries.count("data-event-id") == 2 and "First &lt;b&gt;note&lt;/b&gt;" in entries
    last = int(entries.rsplit('data-event-id="', 1)[1].split('"')[0])
    update_case(case, actor=SYSTEM, note="Second note")
    newer = client.get(f"/live/cases/{case.id}/timeline?after={last}").get_data(as_text=True)
    assert newer.count("data-event-id") == 1 and "Second note" in newer


def test_the_queue_counts(client, make, program, agent):
    make.case(program)
    make.case(program, assignee=agent)
    login(client, agent)
    assert client.get("/live/queues/counts").get_json() == {"mine": 1, "unassigned": 1, "breaching": 0}


def test_a_process_streaming_to_as_many_pages_as_it_may_asks_the_next_to_come_back_later(app, client, agent,
                                                                                          monkeypatch):
    login(client, agent)
    monkeypatch.setitem(app.config, "LIVE_MAX_STREAMS", 0)
    response = client.get("/live/events")
    assert response.mimetype == "text/event-stream" and response.get_data(as_text=True).startswith("retry: 10000")


def test_a_call_line_that_cannot_be_made_leaves_the_pages_to_fetch_their_bar(app, client, hotline, caller,
                                                                             monkeypatch):
    ring(client, hotline, caller.phone)
    monkeypatch.setattr("helpdesk.live.callbar.render_template", lambda *a, **k: 1 / 0)
    assert render_call_line(app, db.session.query(Call).one().id, "en") == ""
