import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_agent_signs_in_lands_on_the_queue_and_signs_out(live_server, page, sign_in):
    with live_server.seed():
        email = factories.user(role="agent", programs=[factories.program()]).email

    sign_in(email)

    expect(page).to_have_url(live_server.url + live_server.path_for("cases.queue"))
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status").filter(has_text="You are signed out.")).to_be_visible()
    page.goto(live_server.path_for("cases.queue"))
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_wrong_password_keeps_the_agent_on_the_sign_in_page(live_server, page, sign_in):
    with live_server.seed():
        email = factories.user(role="agent", programs=[factories.program()]).email

    sign_in(email, "not the password")

    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
