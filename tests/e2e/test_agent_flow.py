import re

import pytest
from playwright.sync_api import expect

from helpdesk.cases.models import Case, Status
from helpdesk.extensions import db
from tests import factories

pytestmark = pytest.mark.browser


def test_agent_takes_an_unassigned_case_adds_a_note_resolves_it_and_signs_out(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        email = factories.user(role="agent", programs=[program]).email
        case = factories.case(program, subject="Headphones never arrived")
        case_id, reference = case.id, case.reference

    sign_in(email)
    navbar = page.get_by_role("navigation").filter(has=page.get_by_role("button", name="Sign out"))
    navbar.get_by_role("link", name="Unassigned", exact=True).click()
    page.get_by_role("link", name=reference, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Headphones never arrived")
    page.get_by_role("button", name="Take case").click()
    expect(page.get_by_role("button", name="Take case")).to_have_count(0)

    page.get_by_label("Internal note", exact=True).fill("Courier confirms the parcel was lost; reshipping.")
    page.get_by_role("button", name="Add note").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Courier confirms the parcel was lost; reshipping.")

    page.get_by_label("Status").select_option(label="Resolved")
    page.get_by_role("button", name="Update case").click()
    expect(timeline).to_contain_text(re.compile(r"Status changed from\s+Open\s+to\s+Resolved"))
    expect(page.get_by_label("Status")).to_have_value("resolved")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    with live_server.app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == Status.RESOLVED
        assert case.assignee.email == email


def test_an_agent_opens_the_first_of_my_cases_and_resolves_it_with_a_note_in_a_few_key_presses(
        live_server, page, sign_in):
    """Keyboard only, counting each key or chord once (the note's own words aside): 15 at most."""
    with live_server.seed():
        program = factories.program()
        agent = factories.user(role="agent", programs=[program])
        email = agent.email
        case = factories.case(program, subject="Voucher rejected", assignee=agent)
        case_id = case.id
    sign_in(email)
    presses = 0

    def press(keys: str) -> None:
        nonlocal presses
        presses += 1
        page.keyboard.press(keys)
        page.wait_for_load_state()  # a key that loaded a page: its shortcuts (helpdesk.js) are listening

    page.goto("/search")  # anywhere: My cases is one chord away
    press("Alt+Shift+M")
    expect(page).to_have_url(re.compile(r"queue=mine"))
    page.wait_for_load_state()
    press("j")
    press("Enter")
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    page.wait_for_load_state()
    press("Alt+Shift+A")
    page.keyboard.type("Reissued the voucher; the participant confirmed it works.")
    press("Control+Enter")
    expect(page.get_by_role("status").filter(has_text="Note added.")).to_be_visible()
    page.wait_for_load_state()
    expect(page.locator("#note-form textarea")).to_be_focused()  # back on the form used
    press("Alt+Shift+R")
    press("r")  # the status list's first choice starting with R: Resolved
    press("Control+Enter")
    expect(page.get_by_role("status").filter(has_text="Case updated.")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Reissued the voucher")
    assert presses <= 15
    with live_server.app.app_context():
        assert db.session.get(Case, case_id).status == Status.RESOLVED
