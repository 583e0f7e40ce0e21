import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from helpdesk.cases.models import Case, Category, Status
from helpdesk.extensions import db
from helpdesk.rewards.orders import upsert_order
from helpdesk.scripts.services.versions import sync_directory
from tests import factories
from tests.scripts.conftest import SHIPPED

pytestmark = pytest.mark.browser


def test_agent_runs_a_branching_script_on_a_case_and_applies_its_action(live_server, page, sign_in):
    with live_server.seed():
        sync_directory(SHIPPED, actor=factories.SYSTEM, required_locales=("en", "pl"))
        program = factories.program()
        email = factories.user(role="agent", programs=[program], name="Adam Agent").email
        participant = factories.participant(program, first_name="Ewa", locale="en")
        upsert_order(program, "ORD-000777", {
            "participant_external_id": participant.external_id, "reward_sku": "HEAD-01",
            "reward_name": "Wireless headphones", "reward_type": "physical", "points_spent": 1200,
            "ordered_at": "2026-01-05T10:00:00Z", "status": "shipped", "vendor": "GadgetHub", "carrier": "DPD",
            "tracking_number": "DPD123", "expected_delivery": "2026-01-12", "shipping_address": "ul. Polna 1"},
            actor=factories.SYSTEM, source="test")
        case = factories.case(program, participant=participant, category="reward_delivery",
                              subject="Headphones never arrived")
        case_id, reference, participant_id = case.id, case.reference, participant.id

    sign_in(email)
    page.goto(live_server.path_for("cases.case_page", case_id=case_id))
    runner = page.locator("#script-runner")
    expect(runner).to_contain_text("Suggested: Reward not delivered")
    runner.get_by_role("button", name="Start script").click()

    expect(runner).to_contain_text("my name is Adam")
    expect(runner).to_contain_text("your reward has not arrived yet, Ewa")
    expect(runner).to_contain_text("Wireless headphones, order ORD-000777 of 2026-01-05.")
    runner.get_by_role("button", name="Next").click()

    # An order older than 14 days skips the "still on its way" branch.
    runner.get_by_label("Order date").fill((date.today() - timedelta(days=30)).isoformat())
    runner.get_by_role("button", name="Next").click()
    expect(runner).to_contain_text("Did you receive an e-mail saying the reward was shipped")
    runner.get_by_role("button", name="Yes", exact=True).click()
    expect(runner).to_contain_text("The parcel travels with DPD, tracking number DPD123.")

    # Back to the question, and the other branch this time.
    runner.get_by_role("button", name="Back").click()
    expect(runner).to_contain_text("Did you receive an e-mail saying the reward was shipped")
    runner.get_by_role("button", name="No", exact=True).click()
    runner.get_by_label("Delivery address confirmed by the participant").fill("ul. Prosta 1, 00-001 Warszawa")
    runner.get_by_role("button", name="Next").click()

    expect(runner).to_contain_text(f"Your case number is {reference}")
    runner.get_by_role("button", name=re.compile(r"^Finish and set the status to waiting for vendor")).click()

    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Ran the script Reward not delivered")
    expect(timeline).to_contain_text("greet → order-date → shipping-email → check-address → resend")
    expect(timeline).to_contain_text("ul. Prosta 1, 00-001 Warszawa")
    expect(timeline).to_contain_text(re.compile(r"Status changed from\s+New\s+to\s+Waiting for vendor"))
    expect(runner).to_contain_text("Suggested: Reward not delivered")  # ready for the next run

    with live_server.app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == Status.PENDING_VENDOR
        opened = db.session.scalars(select(Case).where(Case.participant_id == participant_id, Case.id != case_id)).all()
        assert [(c.category, c.subject) for c in opened] == [
            (Category.REWARD_DELIVERY, "Send the reward again to the confirmed address")]
