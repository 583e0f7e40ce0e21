"""The case page's one reply path, the queues' "new text" marker, and the conversation settings page."""

from sqlalchemy import select

from helpdesk.cases.models import CaseEvent
from helpdesk.cases.services import update_case
from helpdesk.conversations.settings import rules_for
from helpdesk.extensions import db
from helpdesk.telephony.models import Message
from tests.conftest import csrf_token, login


def test_the_reply_box_is_disabled_with_the_reason_when_nobody_can_be_texted(client, make, hotline):
    login(client, make.user(programs=[hotline]))
    no_phone = make.case(hotline, participant=make.participant(hotline, phone=None))
    page = client.get(f"/cases/{no_phone.id}").get_data(as_text=True)
    assert "The participant has no phone number to text." in page and 'disabled id="sms-body"' in page
    opted_out = make.participant(hotline, first_name="Olga", last_name="Lis")
    opted_out.sms_opt_out = True
    page = client.get(f"/cases/{make.case(hotline, participant=opted_out).id}").get_data(as_text=True)
    assert "Olga Lis has opted out of SMS" in page and "disabled" in page


def test_there_is_one_reply_and_notes_are_internal(client, make, hotline, caller):
    login(client, make.user(programs=[hotline]))
    page = client.get(f"/cases/{make.case(hotline, participant=caller).id}").get_data(as_text=True)
    assert "Visible to the participant" not in page and "reply to participant" not in page
    assert 'data-sms-counter="sms-count"' in page and "js/sms_counter.js" in page and "<script>" not in page
    assert "Internal note" in page


def test_a_long_reply_from_the_case_page_goes_as_several_texts_each_with_its_status(client, make, hotline, caller):
    login(client, make.user(programs=[hotline]))
    case = make.case(hotline, participant=caller)
    url = f"/cases/{case.id}"
    reply = "Dzień dobry 👋 " * 150  # 2,250 characters
    response = client.post(f"{url}/sms", data={"csrf_token": csrf_token(client, url), "sms-body": reply})
    assert response.status_code == 302
    texts = db.session.scalars(select(Message).where(Message.case_id == case.id).order_by(Message.id)).all()
    assert len(texts) == 2 and " ".join(m.body for m in texts) == reply.strip()
    page = client.get(url).get_data(as_text=True)
    assert page.count("Text to the participant") == 2 and "Reply sent by SMS." in page
    assert all(m.status != "pending" for m in texts)  # sent at once by the development gateway


def test_a_participant_s_text_is_marked_in_my_cases_until_the_agent_acts(client, make, hotline, caller):
    agent = make.user(programs=[hotline])
    case = make.case(hotline, participant=caller)
    update_case(case, actor=agent, assignee=agent, status="open")
    case.participant_texted_at = case.updated_at
    login(client, agent)
    assert "New text" in client.get("/cases?queue=mine").get_data(as_text=True)
    update_case(case, actor=agent, note="Called back")
    assert "New text" not in client.get("/cases?queue=mine").get_data(as_text=True)


def test_a_manager_sets_the_reopen_window_acknowledgements_and_notices(client, make, hotline):
    login(client, make.user(role="manager", programs=[hotline]))
    url = f"/programs/{hotline.code}/conversations"
    assert 'value="7"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "reopen_days": "3",
                                      "acknowledge_pl": "y", "notify_delivered": "y", "survey_wait_days": "10"})
    assert response.status_code == 302
    rules = rules_for(hotline)
    assert (rules.reopen_window.days, rules.acknowledge, rules.notices, rules.survey_wait.days) == (
        3, {"pl"}, {"delivered"}, 10)
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "reopen_days": "-1", "survey_wait_days": "x"})
    assert bad.status_code == 422


def test_the_timeline_says_in_words_that_a_text_reopened_the_case(client, make, hotline, caller):
    agent = make.user(programs=[hotline])
    case = make.case(hotline, participant=caller)
    db.session.add(CaseEvent(case_id=case.id, kind="reopened_by_text", author_name="Hotline",
                             data={"resolved_days_ago": 3}))
    login(client, agent)
    assert "Reopened by a text from the participant" in client.get(f"/cases/{case.id}").get_data(as_text=True)
