"""Canned replies in the browser: a manager writes one in Polish with a merge field; an agent on a Polish
participant's case picks it from the keyboard, finds it filled in in the reply box, edits it and sends it."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_an_agent_inserts_a_manager_s_canned_reply_with_the_keyboard_and_sends_it(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        anna = factories.participant(program, first_name="Anna", last_name="Nowak", locale="pl")
        case = factories.case(program, participant=anna, subject="Paczka nie dotarła")
        factories.canned_reply(program, title="Hello", language="en", body="Hello {{ participant.first_name }}")
        facts = {"code": program.code, "case": case.id, "ref": case.reference,
                 "manager": factories.user(role="manager", programs=[program]).email,
                 "agent": factories.user(programs=[program]).email}

    refused = []  # the picker's script runs under the Content-Security-Policy
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(facts["manager"])
    page.goto(live_server.path_for("programs.settings", code=facts["code"]))
    page.get_by_role("link", name="Canned replies").click()
    form = page.get_by_role("form", name="New canned reply")
    form.get_by_label("Title").fill("Paczka w drodze")
    form.get_by_label("Language").select_option(label="Polish")
    form.get_by_label("Text").fill("Dzień dobry {{ participant.imie }}")
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_text("unknown merge field {{ participant.imie }}")).to_be_visible()
    form = page.get_by_role("form", name="New canned reply")
    form.get_by_label("Text").fill("Dzień dobry {{ participant.first_name }}, sprawa {{ case.number }} jest w toku.")
    expect(page.locator("#canned-count")).to_contain_text("79 characters · 2 SMS segments")
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_role("link", name="Paczka w drodze")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(facts["agent"])
    page.goto(live_server.path_for("cases.case_page", case_id=facts["case"]))
    reply = page.get_by_label("Reply to the participant (SMS)")
    reply.fill("Cześć! ")
    page.keyboard.press("Alt+Shift+K")
    picker = page.get_by_label("Canned replies")
    expect(picker).to_be_focused()
    expect(picker.locator("option").first).to_have_text("Paczka w drodze")  # her language first
    expect(picker.locator("option").last).to_have_text("Hello (English)")
    expect(page.locator("#canned-reply-preview")).to_have_text(
        f"Dzień dobry Anna, sprawa {facts['ref']} jest w toku.")
    page.keyboard.press("Enter")
    expect(reply).to_be_focused()
    expect(reply).to_have_value(f"Cześć! Dzień dobry Anna, sprawa {facts['ref']} jest w toku.")
    page.keyboard.type(" Dziękujemy!")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#sms")).to_contain_text(f"Dzień dobry Anna, sprawa {facts['ref']} jest w toku. Dziękujemy!")
    assert refused == []
