"""Satisfaction end to end: an agent resolves a case, the dispatcher texts the survey, the participant answers
"5" from the phone simulator, and the manager's dashboard shows it."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk.jobs.surveys import dispatch_due_surveys
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def surveyed(live_server):
    live_server.app.config.update(DEVELOPMENT=True, SURVEY_DELAY_MINUTES=0, SURVEY_QUIET_HOURS="")  # simulator on
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        participant = factories.participant(program, first_name="Ewa", phone="+48601234599", locale="en")
        agent = factories.user(role="agent", programs=[program], name="Adam Agent")
        case = factories.case(program, participant=participant, subject="Points missing after the trip",
                              category="points")
        facts = {"program": program.code, "agent": agent.email, "case_id": case.id, "number": case.number,
                 "admin": factories.user(role="admin", name="Ada Admin").email}
    return facts


def headline(page, figure):
    return page.locator(f'#headline [data-figure="{figure}"]')


def test_a_resolved_case_is_surveyed_and_the_answer_reaches_the_dashboard(live_server, page, sign_in, surveyed):
    sign_in(surveyed["agent"])
    page.goto(live_server.path_for("cases.case_page", case_id=surveyed["case_id"]))
    page.get_by_label("Status").select_option(label="Resolved")
    page.get_by_role("button", name="Update case").click()
    expect(page.locator("#survey")).to_contain_text("Scheduled for")
    page.get_by_role("button", name="Sign out").click()

    with live_server.app.app_context():  # what `flask surveys dispatch` does, on the live server's database
        assert dispatch_due_surveys().sent == 1

    sign_in(surveyed["admin"])
    page.get_by_role("link", name="Satisfaction", exact=True).click()
    expect(headline(page, "sent")).to_have_text("1")
    expect(headline(page, "response-rate")).to_have_text("0 %")
    expect(headline(page, "average")).to_have_text("—")

    page.get_by_role("link", name="Phone simulator").click()
    page.get_by_label("Caller's number").fill("+48 601 234 599")
    replies = page.locator("#simulator-replies")
    page.get_by_label("Text message").fill("5")
    page.get_by_role("button", name="Send the text").click()
    expect(replies).to_contain_text(f"Aurora Rewards: how happy are you with our help on case {surveyed['number']}?")
    expect(replies).to_contain_text("thank you for your rating!")

    page.get_by_role("link", name="Satisfaction", exact=True).click()
    expect(headline(page, "response-rate")).to_have_text("100 %")
    expect(headline(page, "average")).to_have_text("5.00")
    expect(headline(page, "csat")).to_have_text("100.0 %")

    page.goto(live_server.path_for("cases.case_page", case_id=surveyed["case_id"]))
    expect(page.locator("#timeline")).to_contain_text(re.compile(r"Rated the help\s+5/5"))
