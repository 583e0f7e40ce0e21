"""Conversations in the browser: a participant's answer to an agent's text lands on that case, a question sent
during a survey window reaches an agent, and an agent merges two cases."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk.auth.models import User
from helpdesk.cases.models import Case
from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.jobs.surveys import dispatch_due_surveys
from tests import factories
from tests.e2e.test_hotline import filed, twilio_posts

pytestmark = pytest.mark.browser
PHONE = "+48601234567"


@pytest.fixture
def conversation(live_server):
    live_server.app.config.update(SURVEY_DELAY_MINUTES=0, SURVEY_QUIET_HOURS="")
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        program.business_hours = {}
        anna = factories.participant(program, first_name="Anna", last_name="Nowak", phone=PHONE, locale="pl")
        agent = factories.user(programs=[program], name="Marta Kowalska")
        sms_case = factories.case(program, participant=anna, channel="sms", subject="Points after the trip",
                                  category="points")
        phone_case = factories.case(program, participant=anna, subject="Coffee machine not delivered")
        facts = {"hotline": program.hotline_number, "agent": agent.email, "agent_id": agent.id,
                 "sms_case": sms_case.id, "phone_case": phone_case.id, "phone_ref": phone_case.reference,
                 "sms_ref": sms_case.reference}
    return facts


def participant_texts(live_server, conversation, body: str, sid: str) -> None:
    text = {"MessageSid": sid, "From": PHONE, "To": conversation["hotline"], "Body": body}
    assert twilio_posts(live_server, "/twilio/sms/incoming", text) == 200
    assert filed(live_server, sid)


def test_the_participant_s_answer_to_an_agent_s_text_appears_on_that_case(live_server, page, sign_in,
                                                                          conversation):
    sign_in(conversation["agent"])
    page.goto(live_server.path_for("cases.case_page", case_id=conversation["phone_case"]))
    reply = page.get_by_label("Reply to the participant (SMS)")
    reply.fill("Dzień dobry! Czy paczka ma numer AWB? 📦")
    expect(page.locator("#sms-count")).to_contain_text("1 SMS segments")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#sms .sms-status").last).to_have_text("sent")

    participant_texts(live_server, conversation, "Tak, AWB 123456789", "SM" + "5" * 32)
    page.reload()  # the live update comes with the live workspace
    expect(page.locator("#timeline")).to_contain_text("Text from the participant: Tak, AWB 123456789")
    expect(page.locator("#sms")).to_contain_text("Tak, AWB 123456789")
    page.goto(live_server.path_for("cases.case_page", case_id=conversation["sms_case"]))
    expect(page.locator("#timeline")).not_to_contain_text("AWB")


def test_the_reply_counter_shows_segments_and_texts_before_sending(live_server, page, sign_in, conversation):
    sign_in(conversation["agent"])
    page.goto(live_server.path_for("cases.case_page", case_id=conversation["phone_case"]))
    page.get_by_label("Reply to the participant (SMS)").fill("שלום " * 400)  # 2,000 characters, right to left
    expect(page.locator("#sms-count")).to_have_text(
        re.compile(r"^1999 characters · \d+ SMS segments · sent as 2 texts$"))


def test_a_question_sent_during_the_survey_window_reaches_an_agent(live_server, page, sign_in, conversation):
    with live_server.seed():
        case = db.session.get(Case, conversation["sms_case"])
        agent = db.session.get(User, conversation["agent_id"])
        update_case(case, actor=agent, assignee=agent, status="open")
        update_case(case, actor=agent, status="resolved")
    with live_server.app.app_context():
        assert dispatch_due_surveys().sent == 1
    participant_texts(live_server, conversation, "Kiedy przyjdzie mój ekspres do kawy?", "SM" + "7" * 32)

    sign_in(conversation["agent"])
    mine = page.locator("tr", has=page.get_by_role("link", name=conversation["sms_ref"]))
    expect(mine).to_contain_text("New text")
    expect(mine).to_contain_text("Open")
    mine.get_by_role("link", name=conversation["sms_ref"]).click()
    expect(page.locator("#timeline")).to_contain_text("Reopened by a text from the participant")
    expect(page.locator("#timeline")).to_contain_text("Kiedy przyjdzie mój ekspres do kawy?")


def test_an_agent_merges_two_cases(live_server, page, sign_in, conversation):
    participant_texts(live_server, conversation, "Punkty nie doszły", "SM" + "8" * 32)
    sign_in(conversation["agent"])
    page.goto(live_server.path_for("cases.case_page", case_id=conversation["sms_case"]))
    page.get_by_label("Merge this case into").fill(conversation["phone_ref"])
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Merge", exact=True).click()
    assert questions == [f"Merge {conversation['sms_ref']} into the case named? This cannot be undone."]
    expect(page.locator("#timeline")).not_to_contain_text("Merged")  # dismissed: nothing merged
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(conversation["phone_ref"])
    expect(page.locator(".alert").first).to_contain_text(f"{conversation['sms_ref']} was merged into this case")
    expect(page.locator("#timeline")).to_contain_text("Punkty nie doszły")
    expect(page.locator("#timeline")).to_contain_text(f"Merged {conversation['sms_ref']} into this case")
    page.get_by_role("link", name=conversation["sms_ref"]).first.click()
    expect(page.get_by_role("status").filter(has_text="This case was merged into")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text(f"Merged this case into {conversation['phone_ref']}")
    expect(page.get_by_label("Merge this case into")).to_have_count(0)

    page.goto(live_server.path_for("cases.case_page", case_id=conversation["phone_case"]))
    page.get_by_label("Merge this case into").fill(conversation["phone_ref"])
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.locator(".alert").first).to_contain_text("Not merged: a case cannot be merged into itself")
