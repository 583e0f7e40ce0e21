"""Report figures on known data: delivery-case aging by vendor and issue, problem rewards per 1,000 orders."""

from datetime import date, timedelta

import pytest

from helpdesk.cases.services import update_case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.rewards.delivery import (
    delivery_of,
    escalate_to_vendor,
    link_order,
    open_delivery_case,
    resolve_delivery_case,
)
from helpdesk.rewards.models import IssueType
from helpdesk.rewards.reports import delivery_aging, open_delivery_case_list, problem_rewards, problem_rewards_csv


@pytest.fixture
def participant(make, program):
    return make.participant(program)


def age(case, days: int):
    case.created_at = utcnow() - timedelta(days=days, hours=1)
    db.session.flush()


def test_aging_counts_open_cases_per_vendor_and_issue_with_their_age_and_overdue_answers(
        make_order, participant, agent, program):
    cases = []
    for vendor, issue, days in [("GadgetHub", "damaged", 1), ("GadgetHub", "damaged", 5), ("GadgetHub", "damaged", 20),
                                ("GadgetHub", "late", 9), ("SlowShip", "late", 2)]:
        case = open_delivery_case(make_order(participant, vendor=vendor), issue_type=issue, actor=agent)
        age(case, days)
        cases.append(case)
    escalate_to_vendor(cases[2], answer_due=utcnow().date() + timedelta(days=2), actor=agent)
    delivery_of(cases[2]).answer_due_at = utcnow() - timedelta(hours=1)  # the vendor is late
    escalate_to_vendor(cases[1], answer_due=utcnow().date() + timedelta(days=2), actor=agent)
    resolved = open_delivery_case(make_order(participant, vendor="GadgetHub"), issue_type="damaged", actor=agent)
    resolve_delivery_case(resolved, resolution="replacement", actor=agent)
    db.session.flush()

    rows = {(r.vendor, r.issue_type.value): r for r in delivery_aging(actor=agent)}
    damaged = rows[("GadgetHub", "damaged")]
    assert (damaged.open_cases, damaged.by_age, damaged.awaiting_vendor, damaged.answers_overdue) == (3, (1, 1, 0, 1),
                                                                                                       2, 1)
    assert (utcnow() - damaged.oldest_opened_at).days == 20
    assert rows[("GadgetHub", "late")].by_age == (0, 0, 1, 0)
    assert rows[("SlowShip", "late")].by_age == (1, 0, 0, 0)
    assert list(rows)[0] == ("GadgetHub", "damaged")  # most open cases first

    listed = open_delivery_case_list(actor=agent, vendor="GadgetHub", any_vendor=False,
                                     issue_type=IssueType.DAMAGED)
    assert [d.case_id for d in listed] == [cases[2].id, cases[1].id, cases[0].id]  # oldest first


def test_aging_sees_only_the_actors_programs(make, make_order, participant, agent):
    foreign_participant = make.participant(make.program())
    open_delivery_case(make_order(foreign_participant), issue_type="late", actor=make.SYSTEM)
    assert delivery_aging(actor=agent) == [] and open_delivery_case_list(actor=agent) == []


def test_problem_rewards_per_thousand_orders_over_a_period(make, make_order, participant, agent, program):
    march = "2024-03-{:02d}T12:00:00Z"
    mugs = [make_order(participant, reward_sku="MUG", reward_name="Thermal mug", vendor="HomeGoods",
                       ordered_at=march.format(1 + n % 28)) for n in range(8)]
    kettles = [make_order(participant, reward_sku="KETTLE", reward_name="Electric kettle", vendor="HomeGoods",
                          ordered_at=march.format(1 + n)) for n in range(4)]
    phones = [make_order(participant, reward_sku="PHONES", reward_name="Headphones", vendor="GadgetHub",
                         ordered_at=march.format(5)) for _ in range(5)]
    make_order(participant, reward_sku="MUG", ordered_at="2024-04-02T12:00:00Z", vendor="HomeGoods")  # after
    for order in (mugs[0], mugs[1], kettles[0], phones[0]):
        open_delivery_case(order, issue_type="damaged", actor=agent)
    two_orders = open_delivery_case(mugs[2], issue_type="missing_part", actor=agent)
    link_order(two_orders, kettles[1], actor=agent)

    by_reward = problem_rewards(program, date(2024, 3, 1), date(2024, 3, 31), by="reward")
    assert [(r.key, r.reward_name, r.orders, r.cases, r.per_thousand) for r in by_reward] == [
        ("KETTLE", "Electric kettle", 4, 2, 500.0),
        ("MUG", "Thermal mug", 8, 3, 375.0),
        ("PHONES", "Headphones", 5, 1, 200.0),
    ]
    by_vendor = problem_rewards(program, date(2024, 3, 1), date(2024, 3, 31), by="vendor")
    assert [(r.key, r.orders, r.cases, r.per_thousand) for r in by_vendor] == [
        ("HomeGoods", 12, 4, 333.3), ("GadgetHub", 5, 1, 200.0)]
    assert [r.key for r in problem_rewards(program, date(2024, 3, 1), date(2024, 3, 31), min_orders=5)] == [
        "MUG", "PHONES"]
    csv_text = "".join(problem_rewards_csv(by_vendor, "vendor"))
    assert csv_text.splitlines() == ["vendor,orders,delivery_cases,cases_per_1000_orders",
                                     "HomeGoods,12,4,333.3", "GadgetHub,5,1,200.0"]


def test_the_period_is_counted_in_the_programs_days(make_order, participant, program):
    # 23:30 UTC on 31 March is already 1 April in Warsaw.
    make_order(participant, reward_sku="LATE", ordered_at="2024-03-31T23:30:00Z")
    assert problem_rewards(program, date(2024, 3, 1), date(2024, 3, 31)) == []
    assert [r.key for r in problem_rewards(program, date(2024, 4, 1), date(2024, 4, 1))] == ["LATE"]


def test_a_closed_case_still_counts_in_problem_rewards_but_not_in_aging(make_order, participant, agent, program):
    case = open_delivery_case(make_order(participant, ordered_at="2024-03-03T10:00:00Z"), issue_type="late",
                              actor=agent)
    resolve_delivery_case(case, resolution="no_action", note="Arrived the next day", actor=agent)
    update_case(case, actor=agent, status="closed")
    assert delivery_aging(actor=agent) == []
    assert problem_rewards(program, date(2024, 3, 1), date(2024, 3, 31))[0].cases == 1
