import re

import pytest
from playwright.sync_api import expect

from helpdesk.cases.models import Case, Status
from helpdesk.extensions import db
from helpdesk.rewards.delivery import delivery_of
from helpdesk.rewards.models import Resolution
from helpdesk.rewards.orders import upsert_order
from tests import factories

pytestmark = pytest.mark.browser


def test_agent_opens_a_delivery_case_from_an_order_escalates_it_and_resolves_it_with_a_reshipment(
        live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        email = factories.user(role="agent", programs=[program]).email
        participant = factories.participant(program, first_name="Zofia")
        upsert_order(program, "ORD-7781", {
            "participant_external_id": participant.external_id, "reward_sku": "HEAD-01",
            "reward_name": "Wireless headphones", "reward_type": "physical", "points_spent": 1200,
            "ordered_at": "2026-05-02T09:00:00Z", "status": "shipped", "vendor": "GadgetHub", "carrier": "DPD",
            "tracking_number": "DPD0001", "expected_delivery": "2026-05-09"}, actor=factories.SYSTEM, source="test")
        participant_path = live_server.path_for("participants.participant_page", participant_id=participant.id)

    sign_in(email)
    page.goto(participant_path)
    orders = page.locator("#reward-orders")
    expect(orders).to_contain_text("Wireless headphones")
    expect(orders).to_contain_text("DPD0001")
    orders.get_by_role("button", name="Open delivery case for order ORD-7781").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+#delivery$"))
    case_id = int(re.search(r"/cases/(\d+)", page.url).group(1))
    expect(page.get_by_role("alert")).to_contain_text("opened for order ORD-7781")
    delivery = page.locator("#delivery")
    expect(delivery.locator("#delivery-orders")).to_contain_text("ORD-7781")

    escalation = page.get_by_role("form", name="Escalate to vendor")
    escalation.get_by_label("Vendor reference").fill("GH-2231")
    escalation.get_by_label("Message to the vendor").fill("Parcel stuck at the depot for a week.")
    escalation.get_by_role("button", name="Escalate to vendor").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Escalated to vendor GadgetHub (ref. GH-2231)")
    expect(page.locator("#escalation")).to_contain_text("GH-2231")

    answer = page.get_by_role("form", name="Vendor answer")
    answer.get_by_label("Vendor's answer").fill("Lost in transit; we ship a new pair today.")
    answer.get_by_role("button", name="Record vendor answer").click()
    expect(timeline).to_contain_text("Lost in transit; we ship a new pair today.")

    resolution = page.get_by_role("form", name="Resolve delivery")
    resolution.get_by_label("Resolution").select_option(label="Reshipped")
    resolution.get_by_label("New tracking number").fill("DPD0002")
    resolution.get_by_role("button", name="Resolve delivery case").click()
    expect(timeline).to_contain_text(re.compile(r"Delivery resolved: Reshipped, new tracking number DPD DPD0002"))
    expect(timeline).to_contain_text(re.compile(r"Status changed from\s+Open\s+to\s+Resolved"))
    expect(page.locator("#resolution")).to_contain_text("Reshipped")

    with live_server.app.app_context():
        case = db.session.get(Case, case_id)
        facts = delivery_of(case)
        assert case.status == Status.RESOLVED
        assert (facts.vendor_reference, facts.resolution, facts.resolution_tracking_number) == (
            "GH-2231", Resolution.RESHIPPED, "DPD0002")
