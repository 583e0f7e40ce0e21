"""axe-core on every agent and manager page, in English and in Polish: no critical or serious violation."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.rewards.orders import upsert_order
from helpdesk.telephony.models import Call, Message
from tests import factories
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.reports.conftest import add_survey
from tests.rewards.conftest import order_fields
from tests.test_pages_translated import page_paths

pytestmark = pytest.mark.browser
BLOCKING = ("critical", "serious")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def seed_world() -> dict:
    program = factories.program(name="Premia Aurora")
    participant = factories.participant(program, first_name="Zofia", last_name="Wiśniewska")
    case = factories.case(program, participant=participant, subject="Paczka nie dotarła")
    breaching = factories.case(program, participant=participant, subject="Punkty nie doszły", priority="urgent")
    breaching.sla_due_at = utcnow() - timedelta(hours=3)  # the queues show it as breaching its SLA
    order, _ = upsert_order(program, "ZAM-1", order_fields(participant), actor=factories.SYSTEM, source="test")
    add_survey(factories.case(program, participant=participant), sent_at=utcnow(), score=2, comment="Nikt")
    db.session.add_all([
        Call(call_sid="CA" + "1" * 32, program_id=program.id, participant_id=participant.id, case_id=case.id,
             from_number=participant.phone, to_number=program.hotline_number, status="in-progress",
             started_at=utcnow()),
        Message(program=program, direction="inbound", from_number=participant.phone,
                to_number=program.hotline_number, body="Dzień dobry", status="received", case_id=case.id)])
    canned = factories.canned_reply(program)  # the picker beside the reply box, and the managers' pages
    admin = factories.user(role="admin", name="Ada Admin")
    db.session.flush()
    return {"case_id": case.id, "participant_id": participant.id, "code": program.code, "order_id": order.id,
            "canned_id": canned.id, "email": admin.email}


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases"))


def pages(page, app, world):
    """Each agent, manager and admin page, opened in ``page``: yields its path once it has loaded."""
    for path in page_paths(app, world):
        response = page.goto(path)
        if response is not None and response.status == 200 and "text/html" in response.headers["content-type"]:
            yield path


@pytest.mark.parametrize("locale", ["en-GB", "pl-PL"])
def test_no_page_has_a_critical_or_serious_accessibility_violation(browser, live_server, locale):
    with live_server.seed():
        world = seed_world()
    context = browser.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    axe = Axe()
    found = {}
    try:
        sign_in(page, world["email"])
        for path in pages(page, live_server.app, world):
            results = axe.run(page)
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            if blocking:
                found[path] = [f"{v['id']} ({v['impact']}, {len(v['nodes'])}): "
                               f"{v['nodes'][0]['target']} {v['nodes'][0]['html'][:120]} "
                               f"{v['nodes'][0]['failureSummary'][:200]}" for v in blocking]
    finally:
        context.close()
    assert not found, "\n".join(f"{path}: {'; '.join(items)}" for path, items in found.items())


@pytest.mark.parametrize("width", [320, 390])
def test_every_page_reflows_without_scrolling_sideways_on_a_narrow_screen(browser, live_server, width):
    with live_server.seed():
        world = seed_world()
    context = browser.new_context(base_url=live_server.url, locale="pl-PL", viewport={"width": width, "height": 800})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    wide = {}
    try:
        sign_in(page, world["email"])
        for path in pages(page, live_server.app, world):
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide[path] = overflow
        if width == 390:
            page.goto(f"/cases/{world['case_id']}")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "case-page-390px.png"), full_page=True)
    finally:
        context.close()
    assert not wide, f"pages wider than {width} px (by how many px): {wide}"
