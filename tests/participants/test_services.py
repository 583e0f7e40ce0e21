import pytest

from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.participants.services import create_participant, upsert_participant


@pytest.mark.parametrize("typed", ["601 234 567", "+48 601-234-567", "(+48) 601 234 567", "0048601234567",
                                   "+48601234567"])
def test_a_phone_in_any_common_format_is_stored_as_e164(make, program, typed):
    participant = make.participant(program, phone=typed)
    assert participant.phone == "+48601234567"


def test_a_foreign_number_in_international_format_is_kept(make, program):
    assert make.participant(program, phone="+7 916 123-45-67").phone == "+79161234567"


@pytest.mark.parametrize("bad", ["12", "anonymous", "1" * 30, "+48 123", "+999 123 456 789", "<b>601</b>"])
def test_malformed_phone_numbers_are_refused_by_name(make, program, bad):
    with pytest.raises(ValidationError) as error:
        make.participant(program, phone=bad)
    assert "phone" in error.value.fields


def test_upsert_updates_the_same_participant_by_external_id(make, program):
    first, created = upsert_participant(program, "M-1", {"first_name": "Anna", "points_balance": 10}, actor=make.SYSTEM)
    again, created_again = upsert_participant(program, "M-1", {"first_name": "Anna", "points_balance": 99},
                                              actor=make.SYSTEM)
    assert (created, created_again, again.id, again.points_balance) == (True, False, first.id, 99)


def test_the_same_external_id_may_exist_in_two_programs(make):
    a, b = make.participant(make.program(), external_id="SAME"), make.participant(make.program(), external_id="SAME")
    assert a.id != b.id


def test_an_agent_cannot_enter_an_existing_member_id_as_new(make, program):
    make.participant(program, external_id="M-7")
    with pytest.raises(ValidationError, match="external_id"):
        create_participant(program, "M-7", {"first_name": "Other"}, actor=make.SYSTEM)


def test_every_bad_field_is_reported_and_nothing_is_written(make, program):
    with pytest.raises(ValidationError) as error:
        upsert_participant(program, "M-9", {"first_name": "", "email": "not-an-email", "locale": "de",
                                            "points_balance": -5, "last_name": "x" * 81}, actor=make.SYSTEM)
    assert set(error.value.fields) == {"first_name", "email", "locale", "points_balance", "last_name"}
    assert db.session.query(Participant).filter_by(external_id="M-9").count() == 0


def test_a_program_scoped_actor_cannot_write_to_another_program(make, agent):
    with pytest.raises(NotFound):
        upsert_participant(make.program(), "M-1", {"first_name": "Anna"}, actor=agent)
