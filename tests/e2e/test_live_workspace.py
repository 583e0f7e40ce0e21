"""The live workspace: a ringing call shows on whatever page the agent is on, and a case page shows new texts,
without reloading, as Twilio's webhooks arrive."""

import time

import pytest
from playwright.sync_api import expect

from helpdesk.extensions import db
from helpdesk.programs.models import Program
from tests import factories
from tests.e2e.test_hotline import twilio_posts

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(live_server):
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        program.business_hours, program.on_duty_numbers = {}, ["+48601000001", "+48601000002"]
        anna = factories.participant(program, first_name="Anna", last_name="Nowak", phone="+48601234567",
                                     points_balance=4200)
        case = factories.case(program, participant=anna, channel="sms", category="other",
                              subject="Where is my blender?")
        answering = factories.user(programs=[program], name="Olga Agentka")
        answering.phone = "+48601000002"
        facts = {"hotline": program.hotline_number, "agent": factories.user(programs=[program]).email,
                 "case_id": case.id, "reference": case.reference, "program_id": program.id}
    return facts


def connected(page):
    expect(page.locator("body")).to_have_attribute("data-live", "connected")


def test_a_ringing_call_shows_in_the_call_bar_of_a_queue_page_within_a_second_then_who_answered(
        live_server, page, sign_in, desk):
    sign_in(desk["agent"])
    page.get_by_role("link", name="Unassigned").first.click()
    connected(page)
    bar = page.locator("#call-bar")
    expect(bar).to_be_hidden()

    call = {"CallSid": "CA" + "3" * 32, "From": "+48601234567", "To": desk["hotline"], "CallStatus": "ringing"}
    assert twilio_posts(live_server, "/twilio/voice/incoming", call) == 200
    answered_at = time.monotonic()
    ringing = bar.locator('[data-call-state="ringing"]')
    ringing.wait_for(state="visible", timeout=1000)
    assert time.monotonic() - answered_at < 1.0
    expect(bar).to_contain_text("Anna Nowak")
    expect(bar).to_contain_text("4,200 points")
    expect(bar).to_contain_text(desk["reference"])
    expect(page.locator("#live-announcer")).to_contain_text("Call from Anna Nowak: Ringing")

    unassigned = page.locator('[data-queue-count="unassigned"]')
    expect(unassigned).to_have_text("1")
    assert twilio_posts(live_server, "/twilio/voice/menu", {**call, "Digits": "1", "CallStatus": "in-progress"}) == 200
    expect(unassigned).to_have_text("2")  # the call's new case, counted without a reload
    leg = {"CallSid": "CA" + "4" * 32, "ParentCallSid": call["CallSid"], "From": desk["hotline"],
           "To": "+48601000002", "CallStatus": "in-progress", "Direction": "outbound-dial"}
    assert twilio_posts(live_server, "/twilio/voice/answered", leg) == 200
    expect(bar.locator('[data-call-state="answered"]')).to_have_text("Answered by Olga Agentka")
    expect(page).to_have_url(f"{live_server.url}/cases?queue=unassigned")  # no reload, no navigation

    bar.get_by_role("link", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phone call: reward delivery")


def test_a_participants_text_through_the_webhook_appears_on_the_open_case_page_without_reload(
        live_server, page, sign_in, desk):
    sign_in(desk["agent"])
    page.goto(f"/cases/{desk['case_id']}")
    connected(page)
    note = page.get_by_role("textbox", name="Note")
    note.fill("half-typed answer")
    note.focus()
    page.evaluate("window.stillTheSamePage = true")

    text = {"MessageSid": "SM" + "5" * 32, "From": "+48601234567", "To": desk["hotline"],
            "Body": "It was ordered in May <b>not</b> June 🙂"}
    assert twilio_posts(live_server, "/twilio/sms/incoming", text) == 200
    entry = page.locator("#timeline .event").filter(has_text="It was ordered in May <b>not</b> June 🙂")
    expect(entry).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    expect(note).to_be_focused()
    expect(note).to_have_value("half-typed answer")
    expect(page.locator("#live-announcer")).to_contain_text("It was ordered in May")


def test_taking_a_ringing_call_from_the_bar_opens_its_case_and_shows_who_took_it_to_the_others(
        live_server, page, sign_in, browser, desk):
    with live_server.seed():
        taker = factories.user(programs=[db.session.get(Program, desk["program_id"])], name="Tomasz Biorący").email
    other = browser.new_context(base_url=live_server.url).new_page()
    other.goto("/login")
    other.get_by_label("Email").fill(taker)
    other.get_by_label("Password").fill(factories.PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    connected(other)
    sign_in(desk["agent"])
    connected(page)

    call = {"CallSid": "CA" + "7" * 32, "From": "+48601234567", "To": desk["hotline"], "CallStatus": "ringing"}
    assert twilio_posts(live_server, "/twilio/voice/incoming", call) == 200
    assert twilio_posts(live_server, "/twilio/voice/menu", {**call, "Digits": "2", "CallStatus": "in-progress"}) == 200
    other.locator("#call-bar").get_by_role("button", name="Take call and open case").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("Phone call: points and account")
    expect(page.locator('#call-bar [data-call-state="answered"]')).to_have_text("Answered by Tomasz Biorący")
    other.context.close()
