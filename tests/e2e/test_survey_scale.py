"""A manager switches a program to the 0-10 scale and writes the Polish question, watching the live segment
counter; participants answer through the phone simulator, and the dashboard shows NPS."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk.cases.services import update_case
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.surveys.texts import measure
from tests import factories

pytestmark = pytest.mark.browser

POLISH_WITH_DIACRITICS = "{program}: jak oceniasz naszą pomoc w sprawie {case}? Odpisz liczbą od 0 do 10."
POLISH_PLAIN = "{program}: jak oceniasz nasza pomoc w sprawie {case}? Odpisz liczba od 0 do 10."
PHONES = ("+48601234501", "+48601234502", "+48601234503")


@pytest.fixture
def program_with_cases(live_server):
    live_server.app.config.update(DEVELOPMENT=True, SURVEY_DELAY_MINUTES=0, SURVEY_QUIET_HOURS="")  # simulator on
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        agent = factories.user(role="agent", programs=[program], name="Adam Agent")
        cases = [factories.case(program, participant=factories.participant(program, phone=phone, locale="pl"),
                                subject="Points missing", category="points") for phone in PHONES]
        facts = {"code": program.code, "manager": factories.user(role="manager", programs=[program]).email,
                 "admin": factories.user(role="admin", name="Ada Admin").email,
                 "agent_id": agent.id, "case_ids": [case.id for case in cases],
                 "numbers": [case.number for case in cases]}
    return facts


def resolve_and_dispatch(live_server, facts):
    """The agent resolves the cases; what `flask surveys dispatch` then does, on the live server's database."""
    from helpdesk.auth.models import User
    from helpdesk.cases.models import Case
    from helpdesk.extensions import db

    with live_server.seed():
        agent = db.session.get(User, facts["agent_id"])
        for case_id in facts["case_ids"]:
            update_case(db.session.get(Case, case_id), actor=agent, assignee=agent, status="resolved")
    with live_server.app.app_context():
        assert dispatch_due_surveys().sent == len(PHONES)


def test_a_program_on_0_to_10_asks_its_own_polish_question_and_shows_nps(live_server, page, sign_in,
                                                                         program_with_cases):
    facts = program_with_cases
    sign_in(facts["manager"])
    page.goto(live_server.path_for("surveys.settings", code=facts["code"]))
    question = page.get_by_label("Question (Polish)")
    expect(question).to_have_attribute("placeholder", re.compile(r"od 1 \(zle\) do 5"))
    page.get_by_label("0 to 10 (CSAT and NPS)").check()
    expect(question).to_have_attribute("placeholder", re.compile(r"od 0 \(zle\) do 10"))  # the standard 0-10 text
    counter = page.locator(f"#{question.get_attribute('id')}-count")
    expect(counter).to_contain_text("GSM-7 · 1 SMS segment")  # the standard text, in plain letters
    question.fill(POLISH_WITH_DIACRITICS)
    expect(counter).to_contain_text("UCS-2 · 2 SMS segment")  # ą makes it UCS-2: 70 a segment
    question.fill(POLISH_PLAIN)
    expect(counter).to_contain_text("GSM-7 · 1 SMS segment")
    page.get_by_role("button", name="Save survey settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Survey settings saved.")
    expect(page.get_by_label("0 to 10 (CSAT and NPS)")).to_be_checked()

    resolve_and_dispatch(live_server, facts)

    page.get_by_role("button", name="Sign out").click()
    sign_in(facts["admin"])  # the participants, played from the phone simulator
    page.get_by_role("link", name="Phone simulator").click()
    replies = page.locator("#simulator-replies")
    for phone, number, reply in zip(PHONES, facts["numbers"], ("10", "9/10 dziękuję", "6, czekałem 2 tygodnie"),
                                    strict=True):
        page.get_by_label("Caller's number").fill(phone)
        page.get_by_label("Text message").fill(reply)
        page.get_by_role("button", name="Send the text").click()
        expect(replies).to_contain_text(f"Aurora Rewards: jak oceniasz nasza pomoc w sprawie {number}?")

    page.get_by_role("button", name="Sign out").click()
    sign_in(facts["manager"])
    page.get_by_role("link", name="Satisfaction", exact=True).click()
    headline = page.locator("#headline")
    expect(headline.locator('[data-figure="nps"]')).to_have_text("+33")  # 2 promoters, 1 detractor of 3
    expect(headline.locator('[data-figure="csat"]')).to_have_text("66.7 %")
    expect(headline.locator('[data-figure="average"]')).to_have_text("8.33")
    expect(page.locator("#comments")).to_contain_text("czekałem 2 tygodnie")


def test_the_live_counter_counts_as_the_server_does(live_server, page, sign_in, program_with_cases):
    """The script's count (static/js/segments.js) against the server's rule, on Twilio's edge cases."""
    sign_in(program_with_cases["manager"])
    page.goto(live_server.path_for("surveys.settings", code=program_with_cases["code"]))
    box = page.get_by_label("Thanks for a comment (English)")
    counter = page.locator(f"#{box.get_attribute('id')}-count")
    for text in ("a" * 160, "a" * 161, "€" * 80, "€" * 81, "{program} ^{case}", "ż" * 70, "ż" * 71, "👍" * 35,
                 "👍" * 36, "Ж" * 403):
        box.fill(text)
        count = measure(text, "Aurora Rewards")
        expect(counter).to_contain_text(f"{count.units} characters · {count.encoding} · {count.segments} SMS")
    expect(counter).to_contain_text("cannot be saved")  # 403 UCS-2 characters: 7 segments
    box.fill("Ж" * 202)
    expect(counter).to_contain_text("allowed, but every segment is billed")
