from helpdesk.cases.models import Case
from helpdesk.extensions import db
from helpdesk.telephony.models import Call
from tests.conftest import csrf_token, login
from tests.telephony.conftest import sid, signed_post


def ring(client, hotline, from_number="+48601234567", digits="1"):
    params = {"CallSid": sid("CA"), "From": from_number, "To": hotline.hotline_number, "CallStatus": "ringing"}
    signed_post(client, "/twilio/voice/incoming", params)
    if digits is not None:
        signed_post(client, "/twilio/voice/menu", {**params, "Digits": digits})
    return params


def test_the_live_panel_shows_the_caller_with_points_and_open_cases(client, make, hotline, caller, agent):
    agent.programs.append(hotline)
    earlier = make.case(hotline, participant=caller, subject="Voucher code rejected", category="redemption")
    ring(client, hotline)
    login(client, agent)
    panel = client.get("/calls/live/panel").get_data(as_text=True)
    assert "Anna Nowak" in panel and "1,200 points" in panel and earlier.reference in panel


def test_an_agent_does_not_see_calls_to_another_programs_hotline(client, make, hotline, caller, agent):
    ring(client, hotline)
    login(client, agent)  # serves another program only
    assert "No calls right now" in client.get("/calls/live/panel").get_data(as_text=True)


def test_taking_a_call_assigns_its_case_and_opens_it(client, hotline, caller, agent):
    agent.programs.append(hotline)
    ring(client, hotline)
    login(client, agent)
    call = db.session.query(Call).one()
    response = client.post(f"/calls/{call.id}/take", data={"csrf_token": csrf_token(client, "/calls")})
    assert response.status_code == 302 and response.location.endswith(f"/cases/{call.case_id}")
    db.session.expire_all()
    assert db.session.get(Case, call.case_id).assignee_id == agent.id
    assert db.session.get(Call, call.id).agent_id == agent.id


def test_the_call_log_filters_by_outcome(client, hotline, caller, agent):
    agent.programs.append(hotline)
    missed = ring(client, hotline, digits=None)
    signed_post(client, "/twilio/voice/status", {**missed, "CallStatus": "completed", "CallDuration": "3"})
    answered = ring(client, hotline)
    signed_post(client, "/twilio/voice/dial-result", {**answered, "DialCallStatus": "completed"})
    login(client, agent)
    page = client.get("/calls?outcome=missed").get_data(as_text=True)
    assert "missed" in page and "answered</td>" not in page
    assert client.get("/calls?outcome=exploded", follow_redirects=True).status_code == 200
    assert client.get("/calls?day_from=yesterday", follow_redirects=True).status_code == 200


def test_the_phone_simulator_is_for_admins_in_development_only(app, client, make, monkeypatch):
    login(client, make.user("admin"))
    assert client.get("/simulator").status_code == 404
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    assert client.get("/simulator").status_code == 200


def test_the_simulator_sends_signed_requests_to_the_real_webhooks(app, client, make, hotline, caller, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    login(client, make.user("admin"))
    token = csrf_token(client, "/simulator")
    response = client.post("/simulator", data={"csrf_token": token, "program": hotline.code,
                                               "from_number": "+48 601 234 567", "digits": "2", "action": "call"})
    page = response.get_data(as_text=True)
    assert "/twilio/voice/menu</code> → <strong>200" in page and "&lt;Dial" in page
    assert db.session.query(Call).one().participant_id == caller.id


def test_the_call_log_filters_by_dates_in_the_programs_timezone(client, hotline, caller, agent):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    agent.programs.append(hotline)
    ring(client, hotline)
    login(client, agent)
    today = datetime.now(ZoneInfo(hotline.timezone)).date()
    in_range = client.get(f"/calls?program={hotline.code}&day_from={today}&day_to={today}").get_data(as_text=True)
    before = client.get(f"/calls?program={hotline.code}&day_to={today - timedelta(days=1)}").get_data(as_text=True)
    assert "Anna Nowak" in in_range and "Anna Nowak" not in before
