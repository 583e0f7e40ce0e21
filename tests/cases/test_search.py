import pytest

from helpdesk.cases.search import search


@pytest.fixture
def anna(make, program):
    return make.participant(program, first_name="Anna", last_name="Wiśniewska", phone="+48 601 234 567",
                            email="anna.w@example.com", external_id="AU-555")


@pytest.mark.parametrize("query", ["601 234 567", "+48601234567", "0048 601-234-567", "wiśn", "WIŚNIEWSKA",
                                   "anna wiś", "Wiśniewska Anna", "anna.w@example.com", "ANNA.W@EXAMPLE.COM", "AU-555"])
def test_a_participant_is_found_by_phone_name_email_or_member_id(agent, anna, query):
    result = search(query, actor=agent)
    assert anna in result.participants


def test_the_participants_cases_come_with_them(make, agent, anna):
    case = make.case(anna.program, participant=anna)
    assert case in search("601234567", actor=agent).cases


def test_a_case_is_found_by_number_with_or_without_program_code(make, agent, program):
    case = make.case(program)
    for query in (str(case.number), f"#{case.number}", case.reference, case.reference.lower()):
        assert case in search(query, actor=agent).cases


def test_a_case_is_found_by_words_of_its_subject(make, agent, program):
    case = make.case(program, subject="Voucher code rejected at the till")
    assert case in search("vouch till", actor=agent).cases
    assert case not in search("voucher parcel", actor=agent).cases


def test_search_never_shows_another_programs_data(make, agent):
    other = make.program()
    stranger = make.participant(other, last_name="Hidden")
    case = make.case(other, participant=stranger, subject="Hidden subject")
    result = search("Hidden", actor=agent)
    assert stranger not in result.participants and case not in result.cases
