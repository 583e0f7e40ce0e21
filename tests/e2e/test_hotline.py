"""The hotline seen by an agent: a call pops up with the caller's history, and an SMS thread is answered."""

import re
import time
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from helpdesk.extensions import db
from helpdesk.telephony.models import Message
from tests import factories

pytestmark = pytest.mark.browser
TOKEN = "test-auth-token"  # TestConfig's TWILIO_AUTH_TOKEN


def twilio_posts(live_server, path: str, params: dict) -> int:
    """What Twilio does: a form POST to the live server, signed over its URL and parameters."""
    url = live_server.url + path
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers={
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def filed(live_server, message_sid: str, timeout: float = 5) -> bool:
    """Whether the server filed the text within ``timeout``: it does so just after Twilio has its answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with live_server.app.app_context():
            if db.session.scalar(select(Message.case_id).where(Message.message_sid == message_sid)):
                return True
        time.sleep(0.02)
    return False


@pytest.fixture
def hotline(live_server):
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        program.business_hours, program.on_duty_numbers = {}, ["+48601000001"]
        anna = factories.participant(program, first_name="Anna", last_name="Nowak", phone="+48601234567")
        earlier = factories.case(program, participant=anna, subject="Voucher code rejected", category="redemption")
        facts = {"hotline": program.hotline_number, "agent": factories.user(programs=[program]).email,
                 "earlier": earlier.reference}
    return facts


def test_a_call_pops_up_with_the_callers_cases_and_opens_its_case(live_server, page, sign_in, hotline):
    sign_in(hotline["agent"])
    page.get_by_role("link", name="Live calls").click()
    expect(page.locator("#live-calls")).to_contain_text("No calls right now")

    call = {"CallSid": "CA" + "1" * 32, "From": "+48 601 234 567", "To": hotline["hotline"], "CallStatus": "ringing"}
    assert twilio_posts(live_server, "/twilio/voice/incoming", call) == 200
    assert twilio_posts(live_server, "/twilio/voice/menu", {**call, "Digits": "1"}) == 200

    pop = page.locator(".live-call")
    expect(pop).to_contain_text("Anna Nowak")
    expect(pop).to_contain_text("1,200 points")
    expect(pop).to_contain_text(hotline["earlier"])
    pop.get_by_role("button", name="Open case").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Phone call: reward delivery")
    expect(page.locator("#participant-panel")).to_contain_text(hotline["earlier"])
    expect(page.locator("#timeline")).to_contain_text("pressed 1")


def test_an_agent_answers_an_sms_thread_from_the_case_page(live_server, page, sign_in, hotline):
    text = {"MessageSid": "SM" + "2" * 32, "From": "+48601234567", "To": hotline["hotline"],
            "Body": "Where is my blender? <b>Ordered</b> in May"}
    assert twilio_posts(live_server, "/twilio/sms/incoming", text) == 200
    assert filed(live_server, text["MessageSid"])

    sign_in(hotline["agent"])
    page.get_by_role("link", name="All open").first.click()
    page.get_by_role("link", name=re.compile(r"^P\d+-2$")).click()
    thread = page.locator("#sms")
    expect(thread).to_contain_text("Where is my blender? <b>Ordered</b> in May")

    thread.get_by_label("Reply to the participant (SMS)").fill("It ships tomorrow with DPD.")
    thread.get_by_role("button", name="Send reply").click()
    expect(page.locator("#sms")).to_contain_text("It ships tomorrow with DPD.")
    expect(page.locator("#sms .sms-status").last).to_have_text("sent")
    expect(page.locator("#timeline")).to_contain_text("Text to the participant: It ships tomorrow with DPD.")
