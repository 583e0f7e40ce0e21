"""The codes register: one code per program whatever its spacing and case, and the look-up agents use."""

import pytest

from helpdesk.codes.services import apply_codes, code_key, look_up_code, near_keys, upsert_code
from helpdesk.errors import ValidationError
from helpdesk.upserts import Result
from tests.factories import SYSTEM


def add(program, value, **fields):
    return upsert_code(program, value, {"status": "valid", **fields}, actor=SYSTEM)[0]


def test_a_code_is_one_whatever_its_spacing_and_case_within_its_program_only(make, program):
    first, created = upsert_code(program, "ab12 cd34", {"status": "valid", "points": 5}, actor=SYSTEM)
    same, result = upsert_code(program, " AB12CD34 ", {"status": "used"}, actor=SYSTEM)
    assert (created, result, same.id, same.value, same.status.value, same.points) == (
        Result.CREATED, Result.UPDATED, first.id, "ab12 cd34", "used", 5)
    other = add(make.program(), "AB12CD34")
    assert other.id != first.id and code_key("a b\t1") == "AB1"


def test_an_upsert_that_changes_nothing_writes_nothing(program):
    code = add(program, "Q1", points=3)
    stamp = code.updated_at
    assert apply_codes(program, [{"value": "q1", "status": "valid", "points": 3}], actor=SYSTEM)[0].result == (
        Result.UNCHANGED)
    assert add(program, "Q1", points=3).updated_at == stamp


def test_a_code_used_by_an_unknown_participant_is_refused_naming_the_field(program):
    with pytest.raises(ValidationError) as refused:
        upsert_code(program, "Z9", {"status": "used", "participant_external_id": "NOBODY"}, actor=SYSTEM)
    assert refused.value.fields == {"participant_external_id": f"no participant 'NOBODY' in program {program.code}"}


@pytest.mark.parametrize("typed, stored", [
    ("AB12CD35", "AB12CD34"),  # one wrong character
    ("AB21CD34", "AB12CD34"),  # two swapped
    ("AB12CD3", "AB12CD34"),  # one missing
    ("AB12CDD34", "AB12CD34"),  # one extra
    ("8OI2CD34", "BO12CD34"),  # O/0, I/1 and B/8 at once
    ("0LI2", "OL12"),
])
def test_an_unknown_code_comes_with_the_codes_one_typing_slip_away(program, typed, stored):
    add(program, stored)
    add(program, "ZZZZZZZZ")
    found = look_up_code(typed, [program.id])
    assert found.unknown and [code.key for code in found.near] == [stored]


def test_a_known_code_is_found_exactly_and_only_in_the_programs_given(make, program):
    code = add(program, "KNOWN-1")
    assert look_up_code("known-1", [program.id]).code == code
    assert look_up_code("known-1", [make.program().id]).code is None


def test_near_keys_are_few_enough_to_look_up_by_index():
    keys = near_keys("AB12CD34EF56GH78")
    assert "AB12CD34EF56GH78" not in keys and "BA12CD34EF56GH78" in keys and len(keys) < 1_300
