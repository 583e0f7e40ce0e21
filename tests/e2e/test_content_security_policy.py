"""The pages work in a real browser under the Content-Security-Policy: no script is refused, and the
behaviour that moved out of inline scripts (search shortcut, auto-submitting filter) still runs."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_pages_run_under_the_content_security_policy_without_violations(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program(name="Aurora Rewards")
        email, code = factories.user(role="admin", programs=[program]).email, program.code
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    sign_in(email)
    for endpoint in ("cases.queue", "telephony.live", "reports.satisfaction", "scripts.index", "auth.users"):
        assert page.goto(live_server.path_for(endpoint)).status == 200

    page.goto(live_server.path_for("rewards.delivery_cases"))  # returns once loaded, its script run
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.get_by_label("Program").select_option(code)  # submits its form by itself
    expect(page).to_have_url(re.compile(rf"program={code}$"))
    page.wait_for_load_state()
    assert refused == []
