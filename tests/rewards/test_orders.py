"""The order upsert service and the look-ups agents and call scripts use."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from helpdesk.errors import NotFound, ValidationError
from helpdesk.rewards import orders
from helpdesk.rewards.delivery import link_order, open_delivery_case
from helpdesk.rewards.merge_fields import order_merge_values
from helpdesk.rewards.orders import get_order, parse_points, parse_timestamp, recent_orders, upsert_order
from helpdesk.scripts.merge_fields import namespaces
from tests.factories import SYSTEM
from tests.rewards.conftest import order_fields


@pytest.fixture
def participant(make, program):
    return make.participant(program)


@pytest.mark.parametrize(("value", "expected"), [("120", 120), (" 7 ", 7), (0, 0), ("0", 0)])
def test_points_are_whole_numbers_from_zero(value, expected):
    assert parse_points(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("-5", "must be 0 or more"), ("12.5", "must be a whole number of points"), ("ten", "must be a whole number"),
    ("  ", "is required"), (None, "is required"), ("²", "must be a whole number"), (True, "must be a whole number"),
    ("--5", "must be a whole number"), (2_000_000_001, "must be at most 2,000,000,000"),
])
def test_points_that_are_not_whole_numbers_from_zero_are_refused(value, message):
    with pytest.raises(ValueError, match=message):
        parse_points(value)


def test_a_timestamp_without_an_offset_is_utc_and_one_with_an_offset_is_converted():
    assert parse_timestamp("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_timestamp("2024-05-01T12:00:00+02:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_timestamp("2024-05-01T12:00:00Z") == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_upsert_reports_created_updated_and_unchanged(participant, program):
    fields = order_fields(participant)
    assert upsert_order(program, "U-1", fields, actor=SYSTEM, source="t")[1] == "created"
    assert upsert_order(program, "U-1", fields, actor=SYSTEM, source="t")[1] == "unchanged"
    order, outcome = upsert_order(program, "U-1", {**fields, "reward_name": "Headphones, black"}, actor=SYSTEM,
                                  source="t")
    assert (outcome, order.reward_name) == ("updated", "Headphones, black")


def test_the_same_reference_in_two_programs_is_two_orders(make, participant, program):
    other_participant = make.participant(make.program())
    first, _ = upsert_order(program, "SAME", order_fields(participant), actor=SYSTEM, source="t")
    second, outcome = upsert_order(other_participant.program, "SAME", order_fields(other_participant), actor=SYSTEM,
                                   source="t")
    assert outcome == "created" and first.id != second.id


def test_an_actor_of_another_program_can_neither_write_nor_read_its_orders(make, participant, program, make_order):
    outsider = make.user(role="agent", programs=[make.program()])
    with pytest.raises(NotFound):
        upsert_order(program, "X", order_fields(participant), actor=outsider, source="t")
    with pytest.raises(NotFound):
        get_order(make_order(participant).id, actor=outsider)


def test_upsert_refuses_an_order_of_a_participant_the_program_does_not_have(make, participant, program):
    stranger = make.participant(make.program())
    with pytest.raises(ValidationError) as error:
        upsert_order(program, "X", order_fields(stranger), actor=SYSTEM, source="t")
    assert set(error.value.fields) == {"participant_external_id"}


def test_recent_orders_are_the_participants_latest_first_and_bounded(make, participant, make_order):
    for day in (3, 1, 7, 5, 2, 6):
        make_order(participant, f"D{day}", ordered_at=f"2024-05-0{day}T10:00:00Z")
    make_order(make.participant(participant.program), "OTHER", ordered_at="2024-05-09T10:00:00Z")
    assert [o.order_ref for o in recent_orders(participant)] == ["D7", "D6", "D5", "D3", "D2"]
    assert [o.order_ref for o in recent_orders(participant, limit=2)] == ["D7", "D6"]


def test_order_merge_fields_come_from_the_last_linked_order_else_the_latest_one(
        make, participant, make_order, agent):
    assert "order" in namespaces()
    older = make_order(participant, "OLD", reward_name="Thermal mug", ordered_at="2024-04-01T22:30:00Z",
                       expected_delivery="")
    make_order(participant, "NEW", reward_name="Kettle", ordered_at="2024-05-01T10:00:00Z")
    plain = make.case(participant.program, participant=participant)
    assert order_merge_values(plain)["reward_name"] == "Kettle"
    case = open_delivery_case(older, issue_type="late", actor=agent)
    values = order_merge_values(case)
    assert values == {"reference": "OLD", "reward_name": "Thermal mug", "order_date": "2024-04-02",
                      "vendor": "GadgetHub", "carrier": "DPD", "tracking_number": "DPD123",
                      "expected_delivery": None}  # the order date is the program's day (Warsaw)
    link_order(case, make_order(participant, "LINKED", reward_name="Blender"), actor=agent)
    assert order_merge_values(case)["reward_name"] == "Blender"
    assert order_merge_values(make.case(participant.program, participant=None)) == {}


def test_a_batch_that_collides_with_another_writer_is_written_again_once(participant, program, monkeypatch):
    real_write, attempts = orders._write, []

    def collide_once(*args):
        attempts.append(1)
        outcomes = real_write(*args)
        if len(attempts) == 1:  # as if another request inserted the same reference first
            raise IntegrityError("INSERT", {}, Exception("unique"))
        return outcomes

    monkeypatch.setattr(orders, "_write", collide_once)
    order, outcome = upsert_order(program, "RACE", order_fields(participant), actor=SYSTEM, source="t")
    assert (len(attempts), outcome, order.order_ref) == (2, "created", "RACE")
