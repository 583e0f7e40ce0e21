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


@pytest.mark.parametrize("query", ["wisniewska", "Wisniewska Anna", "WISN", "anna wisniewska"])
def test_names_are_found_typed_without_diacritics(agent, anna, query):
    assert anna in search(query, actor=agent).participants


def test_letters_that_do_not_decompose_are_folded_on_both_sides(make, agent, program):
    michal = make.participant(program, first_name="Michał", last_name="Łoś")
    fyodor = make.participant(program, first_name="Фёдор", last_name="Ёлкин")
    assert michal in search("michal los", actor=agent).participants
    assert michal in search("Michał Łoś", actor=agent).participants
    assert fyodor in search("федор елкин", actor=agent).participants


@pytest.mark.parametrize(("query", "subject"), [
    ("przesylka zolta", "Przesyłka żółta nie dotarła"), ("PRZESYŁKA ŻÓŁTA", "Przesyłka żółta nie dotarła"),
    ("zeleny cajnik", "Zelený čajník"),
    ("зеленый", "Зелёный чайник не пришёл"), ("ЗЕЛЁНЫЙ", "Зелёный чайник не пришёл"),
])
def test_subjects_are_found_without_diacritics(make, agent, program, query, subject):
    cases = {text: make.case(program, subject=text)
             for text in ("Przesyłka żółta nie dotarła", "Зелёный чайник не пришёл", "Zelený čajník")}
    assert search(query, actor=agent).cases == [cases[subject]]


@pytest.mark.parametrize("query", ["ąęł́", "\u0301\u0308", "!!!", "…", "—"])
def test_only_diacritics_or_punctuation_find_nothing_without_error(make, agent, program, query):
    make.case(program, subject="Anything")
    assert search(query, actor=agent).cases == []


def test_an_exact_case_reference_opens_the_case(agent_client, make, program):
    case = make.case(program)
    for query in (case.reference, case.reference.lower(), f" {case.reference} "):
        response = agent_client.get("/search", query_string={"q": query})
        assert response.status_code == 302 and response.location.endswith(f"/cases/{case.id}")


def test_a_reference_of_another_programs_case_shows_no_result(agent_client, make):
    other = make.case(make.program())
    response = agent_client.get("/search", query_string={"q": other.reference})
    assert response.status_code == 200
