"""Reward pages: orders beside the participant, one-click delivery cases, the case panel, and reports."""

import re

import pytest
from sqlalchemy import select

from helpdesk.cases.models import Case, Status
from helpdesk.extensions import db
from helpdesk.rewards.delivery import delivery_of, escalate_to_vendor, open_delivery_case
from helpdesk.rewards.models import Resolution
from tests.conftest import csrf_token, login


def post(client, url, data, **kwargs):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/cases")}, **kwargs)


@pytest.fixture
def participant(make, program):
    return make.participant(program)


@pytest.fixture
def manager_client(client, make, program):
    login(client, make.user(role="manager", programs=[program]))
    return client


def test_the_participant_page_lists_orders_with_status_history_and_a_one_click_case_button(
        agent_client, participant, make_order):
    make_order(participant, "ORD-PAGE-1", reward_name="Thermal mug", tracking_number="DPD777")
    page = agent_client.get(f"/participants/{participant.id}").get_data(as_text=True)
    assert "Thermal mug" in page and "DPD777" in page and "ORD-PAGE-1" in page
    assert 'aria-label="Open delivery case for order ORD-PAGE-1"' in page
    assert "CSV import" not in page and "(test)" in page  # the history names where the status came from


def test_one_click_opens_a_delivery_case_and_then_the_order_links_to_it(agent_client, participant, make_order):
    order = make_order(participant, reward_type="e_code")
    response = post(agent_client, f"/rewards/orders/{order.id}/delivery-case", {})
    assert response.status_code == 303
    case = db.session.scalars(select(Case).where(Case.participant_id == participant.id)).one()
    assert response.location.endswith(f"/cases/{case.id}#delivery")
    assert delivery_of(case).issue_type.value == "code_not_working"
    page = agent_client.get(f"/participants/{participant.id}").get_data(as_text=True)
    assert f"Case {case.reference}" in page and "Open delivery case for order" not in page


def test_the_menu_opens_the_case_with_the_chosen_issue(agent_client, participant, make_order):
    order = make_order(participant)
    post(agent_client, f"/rewards/orders/{order.id}/delivery-case", {"issue_type": "damaged"})
    case = db.session.scalars(select(Case).where(Case.participant_id == participant.id)).one()
    assert delivery_of(case).issue_type.value == "damaged"


def test_the_case_page_shows_the_linked_orders_and_the_recent_orders_of_the_participant(
        agent_client, agent, participant, make_order):
    linked = make_order(participant, "ORD-LINKED", tracking_number="TRACK-1")
    make_order(participant, "ORD-OTHER", reward_name="Cinema voucher", ordered_at="2024-06-01T10:00:00Z")
    case = open_delivery_case(linked, issue_type="late", actor=agent)
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    delivery = page[page.index('id="delivery"'):page.index('id="participant-panel"')]
    assert "ORD-LINKED" in delivery and "TRACK-1" in delivery and "Escalate to vendor" in delivery
    assert "Cinema voucher" in page[page.index('id="recent-orders"'):]
    assert "Opened a reward-delivery case (Late) about order <strong>ORD-LINKED</strong>" in page


def test_escalating_answering_and_resolving_from_the_case_page(agent_client, agent, participant, make_order):
    case = open_delivery_case(make_order(participant), issue_type="not_delivered", actor=agent)
    response = post(agent_client, f"/rewards/cases/{case.id}/escalation",
                    {"vendor": "GadgetHub", "vendor_reference": "GH-1", "answer_due": "2099-01-01",
                     "escalation_note": "Where is it?"})
    assert response.status_code == 303
    assert "Record vendor answer" in agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    post(agent_client, f"/rewards/cases/{case.id}/vendor-answer", {"answer": "Lost by the carrier"})
    post(agent_client, f"/rewards/cases/{case.id}/resolution",
         {"resolution": "reshipped", "tracking_number": "NEW-TRACK", "carrier": "UPS"})
    db.session.expire_all()
    delivery = delivery_of(case)
    assert (delivery.vendor_reference, delivery.vendor_answer) == ("GH-1", "Lost by the carrier")
    assert (delivery.resolution, delivery.resolution_tracking_number) == (Resolution.RESHIPPED, "NEW-TRACK")
    assert db.session.get(Case, case.id).status == Status.RESOLVED
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Delivery resolved: <strong>Reshipped</strong>, new tracking number UPS NEW-TRACK" in page


def test_a_refused_step_says_why_and_changes_nothing(agent_client, agent, participant, make_order):
    case = open_delivery_case(make_order(participant, points_spent=100), issue_type="damaged", actor=agent)
    db.session.commit()  # a refused request rolls its session back; the case must outlive that
    response = post(agent_client, f"/rewards/cases/{case.id}/resolution",
                    {"resolution": "points_refunded", "refund_points": "500"}, follow_redirects=True)
    assert "Not changed: Points refunded is more than the 100 points the order spent" in response.get_data(as_text=True)
    response = post(agent_client, f"/cases/{case.id}/update",
                    {"status": "resolved", "priority": "normal", "assignee": ""})
    assert response.status_code == 409 and "needs a resolution first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert delivery_of(case).resolution is None and db.session.get(Case, case.id).status == Status.NEW


def test_an_overdue_vendor_answer_is_highlighted_in_the_delivery_case_list(agent_client, agent, participant,
                                                                           make_order):
    case = open_delivery_case(make_order(participant, vendor="SlowShip"), issue_type="late", actor=agent)
    delivery = escalate_to_vendor(case, answer_due="2099-01-01", actor=agent)
    delivery.answer_due_at = delivery.escalated_at.replace(year=2000)
    db.session.flush()
    page = agent_client.get("/rewards/delivery-cases").get_data(as_text=True)
    row = re.search(rf'<tr class="breaching">\s*<td><a href="/cases/{case.id}">', page)
    assert row and "overdue" in page and "SlowShip" in page


def test_agents_of_another_program_cannot_act_on_its_orders_or_cases(client, make, participant, make_order, agent):
    order = make_order(participant)
    case = open_delivery_case(make_order(participant), issue_type="late", actor=agent)
    login(client, make.user(role="agent", programs=[make.program()]))
    assert post(client, f"/rewards/orders/{order.id}/delivery-case", {}).status_code == 404
    assert post(client, f"/rewards/cases/{case.id}/resolution", {"resolution": "replacement"}).status_code == 404
    assert "Not linked" not in client.get("/rewards/delivery-cases").get_data(as_text=True)


def test_agents_get_403_on_manager_pages(agent_client):
    assert agent_client.get("/rewards/problem-rewards").status_code == 403


def test_the_problem_rewards_page_and_its_csv_export(manager_client, program, participant, make_order, agent):
    order = make_order(participant, reward_sku="MUG-1", reward_name="=cmd|' /C calc'!A0",
                       ordered_at="2024-03-10T10:00:00Z")
    open_delivery_case(order, issue_type="damaged", actor=agent)
    query = f"program={program.code}&first=2024-03-01&last=2024-03-31&by=reward"
    page = manager_client.get(f"/rewards/problem-rewards?{query}").get_data(as_text=True)
    assert "MUG-1" in page and "1,000.0" in page
    export = manager_client.get(f"/rewards/problem-rewards?{query}&format=csv")
    assert export.mimetype == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    lines = export.get_data(as_text=True).splitlines()
    assert lines == ["reward_sku,reward_name,orders,delivery_cases,cases_per_1000_orders",
                     "MUG-1,'=cmd|' /C calc'!A0,1,1,1000.0"]


def test_the_problem_rewards_page_opens_on_the_last_90_days_of_the_first_program(manager_client, program):
    page = manager_client.get("/rewards/problem-rewards").get_data(as_text=True)
    assert "No orders in this period." in page and f'<option selected value="{program.code}">' in page


def test_the_delivery_case_list_filters_by_a_cell_of_the_aging_table(agent_client, agent, participant, make_order):
    open_delivery_case(make_order(participant, vendor=""), issue_type="late", actor=agent)
    open_delivery_case(make_order(participant, vendor="GadgetHub"), issue_type="late", actor=agent)
    page = agent_client.get("/rewards/delivery-cases?vendor=&issue_type=late").get_data(as_text=True)
    listed = page[page.index('id="delivery-case-list"'):]
    assert listed.count("/cases/") == 1 and "GadgetHub" not in listed


def test_an_exact_order_reference_in_search_opens_its_delivery_case_or_else_its_participant(
        agent_client, agent, participant, make_order):
    order = make_order(participant, "ZAM/2026/00133")
    response = agent_client.get("/search", query_string={"q": "zam/2026/00133"})
    assert response.status_code == 302 and response.location.endswith(f"/participants/{participant.id}")
    case = open_delivery_case(order, issue_type="damaged", actor=agent)
    response = agent_client.get("/search", query_string={"q": "ZAM/2026/00133"})
    assert response.location.endswith(f"/cases/{case.id}")
