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
