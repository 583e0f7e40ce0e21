"""Reward-delivery cases: opened from an order, escalated to the vendor, resolved only with a resolution."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from helpdesk.cases.models import CaseEvent, Category, Status
from helpdesk.cases.services import update_case
from helpdesk.database import utcnow
from helpdesk.errors import Conflict, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.rewards.delivery import (
    change_issue_type,
    delivery_of,
    escalate_to_vendor,
    link_order,
    open_delivery_case,
    program_today,
    record_vendor_answer,
    resolve_delivery_case,
    suggested_issue,
)
from helpdesk.rewards.models import IssueType, Resolution
from helpdesk.signals import resolution_requested


def kinds(case) -> list[str]:
    return list(db.session.scalars(select(CaseEvent.kind).filter_by(case_id=case.id).order_by(CaseEvent.id)))


@pytest.fixture
def participant(make, program):
    return make.participant(program)


@pytest.fixture
def order(make_order, participant):
    return make_order(participant, points_spent=1500)


@pytest.fixture
def case(order, agent):
    return open_delivery_case(order, issue_type="not_delivered", actor=agent)


def in_days(n: int):
    return (utcnow() + timedelta(days=n)).date()


def test_opening_from_an_order_makes_a_reward_delivery_case_about_that_order(case, order, participant):
    delivery = delivery_of(case)
    assert (case.category, case.participant, case.subject) == (Category.REWARD_DELIVERY, participant,
                                                                "Not delivered: Wireless headphones")
    assert (delivery.issue_type, delivery.vendor, delivery.orders) == (IssueType.NOT_DELIVERED, "GadgetHub", [order])
    assert kinds(case) == ["created", "delivery_opened"]


def test_an_order_with_an_open_delivery_case_does_not_get_a_second_one(case, order, agent):
    with pytest.raises(Conflict, match=f"already has the open delivery case {case.reference}"):
        open_delivery_case(order, issue_type="late", actor=agent)


def test_the_whole_lifecycle_writes_each_step_to_the_timeline(case, agent):
    change_issue_type(case, "damaged", actor=agent)
    escalate_to_vendor(case, answer_due=in_days(3), vendor_reference="GH-778", note="Box arrived crushed", actor=agent)
    assert case.status == Status.PENDING_VENDOR and delivery_of(case).awaiting_vendor
    record_vendor_answer(case, answer="We will send a new pair", actor=agent)
    assert case.status == Status.OPEN and not delivery_of(case).awaiting_vendor
    resolve_delivery_case(case, resolution="reshipped", tracking_number="DPD-NEW-1", actor=agent)
    delivery = delivery_of(case)
    assert case.status == Status.RESOLVED
    assert (delivery.resolution, delivery.resolution_tracking_number, delivery.resolution_carrier) == (
        Resolution.RESHIPPED, "DPD-NEW-1", "DPD")
    assert kinds(case) == ["created", "delivery_opened", "issue_type", "vendor_escalated", "status",
                           "vendor_answered", "status", "delivery_resolved", "sms_out", "status"]


def test_a_delivery_case_cannot_be_resolved_or_closed_without_a_resolution_on_any_path(case, agent):
    for status in ("resolved", "closed"):
        with pytest.raises(Conflict, match="needs a resolution first"):
            update_case(case, actor=agent, status=status)
    assert case.status == Status.NEW


def test_an_ordinary_reward_delivery_case_without_orders_resolves_as_before(make, program, agent):
    plain = make.case(program, category="reward_delivery")
    update_case(plain, actor=agent, status="resolved")
    assert plain.status == Status.RESOLVED


def test_any_receiver_of_resolution_requested_can_refuse_the_resolution(make, program, agent):
    case = make.case(program, category="points")
    with resolution_requested.connected_to(lambda c: None), resolution_requested.connected_to(lambda c: "ask the boss"):
        with pytest.raises(Conflict, match="ask the boss"):
            update_case(case, actor=agent, status="closed")
        update_case(case, actor=agent, status="open")  # other changes are not guarded
    assert case.status == Status.OPEN


def test_refunding_more_points_than_the_order_spent_is_refused_with_the_reason(case, agent):
    with pytest.raises(ValidationError) as error:
        resolve_delivery_case(case, resolution="points_refunded", refund_points=1501, actor=agent)
    assert error.value.fields == {"refund_points": "is more than the 1,500 points the order spent"}
    assert case.status == Status.NEW and delivery_of(case).resolution is None
    resolve_delivery_case(case, resolution="points_refunded", refund_points=1500, actor=agent)
    assert (delivery_of(case).refund_points, case.status) == (1500, Status.RESOLVED)


def test_a_refund_may_cover_every_linked_order(case, make_order, participant, agent):
    link_order(case, make_order(participant, points_spent=500), actor=agent)
    resolve_delivery_case(case, resolution="points_refunded", refund_points=2000, actor=agent)
    assert delivery_of(case).refund_points == 2000


@pytest.mark.parametrize(("fields", "expected"), [
    ({"resolution": "reshipped"}, {"tracking_number": "is required"}),
    ({"resolution": "no_action"}, {"note": "is required"}),
    ({"resolution": "points_refunded", "refund_points": 0},
     {"refund_points": "must be a whole number of points, 1 or more"}),
    ({"resolution": "teleported"}, {"resolution": "must be one of reshipped, replacement, points_refunded, "
                                                  "voucher_reissued, no_action"}),
])
def test_each_resolution_asks_for_what_it_needs(case, agent, fields, expected):
    with pytest.raises(ValidationError) as error:
        resolve_delivery_case(case, actor=agent, **fields)
    assert error.value.fields == expected


def test_no_action_with_a_reason_and_a_voucher_reissue_resolve(case, make_order, participant, agent):
    resolve_delivery_case(case, resolution="no_action", note="Delivered, signed by the participant", actor=agent)
    assert delivery_of(case).resolution_note == "Delivered, signed by the participant"
    voucher_case = open_delivery_case(make_order(participant, reward_type="voucher"), issue_type="code_not_working",
                                      actor=agent)
    resolve_delivery_case(voucher_case, resolution="voucher_reissued", actor=agent)
    assert voucher_case.status == Status.RESOLVED


def test_escalation_guards(case, agent):
    with pytest.raises(ValidationError, match="answer_due: is in the past"):
        escalate_to_vendor(case, answer_due=in_days(-2), actor=agent)
    with pytest.raises(Conflict, match="not escalated"):
        record_vendor_answer(case, answer="Hello", actor=agent)
    escalate_to_vendor(case, answer_due=in_days(1), actor=agent)
    with pytest.raises(Conflict, match="already waits for the vendor"):
        escalate_to_vendor(case, answer_due=in_days(2), actor=agent)
    with pytest.raises(ValidationError, match="answer: is required"):
        record_vendor_answer(case, answer="  ", actor=agent)


def test_the_answer_is_due_at_the_end_of_the_day_in_the_programs_timezone(case, agent):
    due = program_today(case.program) + timedelta(days=2)
    delivery = escalate_to_vendor(case, answer_due=due.isoformat(), actor=agent)
    local = delivery.answer_due_at.astimezone(ZoneInfo(case.program.timezone))
    assert (local.date(), local.hour, local.minute) == (due, 23, 59)
    assert not delivery.answer_overdue(utcnow()) and delivery.answer_overdue(utcnow() + timedelta(days=4))


def test_a_vendor_without_a_name_on_the_order_must_be_named_when_escalating(make_order, participant, agent):
    case = open_delivery_case(make_order(participant, vendor=""), issue_type="late", actor=agent)
    with pytest.raises(ValidationError, match="vendor: is required"):
        escalate_to_vendor(case, answer_due=in_days(1), actor=agent)
    assert escalate_to_vendor(case, answer_due=in_days(1), vendor="ParcelPro", actor=agent).vendor == "ParcelPro"


def test_only_the_participants_own_orders_can_be_linked_once(case, make, make_order, program, agent):
    stranger_order = make_order(make.participant(program))
    with pytest.raises(Conflict, match="another participant"):
        link_order(case, stranger_order, actor=agent)
    with pytest.raises(Conflict, match="already linked"):
        link_order(case, delivery_of(case).orders[0], actor=agent)


def test_a_reward_delivery_case_opened_without_an_order_becomes_a_delivery_case_when_one_is_linked(
        make, order, participant, agent):
    case = make.case(participant.program, participant=participant, category="reward_delivery")
    with pytest.raises(ValidationError, match="issue_type"):
        link_order(case, order, actor=agent)
    link_order(case, order, actor=agent, issue_type="wrong_item")
    assert delivery_of(case).issue_type == IssueType.WRONG_ITEM
    with pytest.raises(Conflict, match="needs a resolution"):
        update_case(case, actor=agent, status="resolved")


def test_a_resolved_case_takes_no_more_delivery_steps(case, agent):
    resolve_delivery_case(case, resolution="replacement", actor=agent)
    with pytest.raises(Conflict, match="reopen it first"):
        escalate_to_vendor(case, answer_due=in_days(1), actor=agent)


def test_an_agent_of_another_program_cannot_touch_the_order_or_the_case(case, order, make):
    outsider = make.user(role="agent", programs=[make.program()])
    with pytest.raises(NotFound):
        open_delivery_case(order, issue_type="late", actor=outsider)
    with pytest.raises(NotFound):
        resolve_delivery_case(case, resolution="replacement", actor=outsider)


def test_the_suggested_issue_follows_the_reward_type_and_the_expected_date(make_order, participant):
    today = program_today(participant.program)
    assert suggested_issue(make_order(participant, reward_type="e_code"), today) == IssueType.CODE_NOT_WORKING
    late = make_order(participant, status="shipped", expected_delivery=(today - timedelta(days=1)).isoformat())
    assert suggested_issue(late, today) == IssueType.LATE
    assert suggested_issue(make_order(participant, status="lost"), today) == IssueType.NOT_DELIVERED
