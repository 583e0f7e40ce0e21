from datetime import date

import pytest

from helpdesk.scripts import fileformat
from helpdesk.scripts.checker import check_document, check_text
from helpdesk.scripts.definition import Definition, Question, parse_answer
from tests.scripts.conftest import DELIVERY


def definition_of(text: str) -> Definition:
    definition, problems = check_text(text, "parcel.en.yaml")
    assert not problems, [str(p) for p in problems]
    return definition


def test_a_script_file_reads_into_steps_questions_branches_and_actions():
    script = definition_of(DELIVERY)
    assert (script.id, script.title, script.program, script.category, script.locale) == (
        "parcel", "Parcel missing", "all", "reward_delivery", "en")
    assert script.start == "greet" and len(script.steps) == 9
    greet = script.step("greet")
    assert greet.ask.type == "yes_no" and greet.ask.required
    assert [(b.when, b.next) for b in greet.branches] == [("yes", "status"), ("no", "address")]
    assert [o.value for o in script.step("status").ask.options] == ["delivered", "lost"]
    assert script.step("address").ask.required is False
    assert script.step("vendor").end and script.step("vendor").action.status == "pending_vendor"
    assert script.step("resend").action.reward_case == "Send again"
    assert script.step("neighbour").action.callback_hours == 24
    assert script.step("wait").end and script.step("wait").action is None


def test_unquoted_yes_and_no_are_read_as_the_words_not_as_booleans():
    assert {b.when for b in definition_of(DELIVERY).step("greet").branches} == {"yes", "no"}


def test_the_loader_remembers_the_line_of_every_key_and_of_literal_text():
    document = fileformat.load(DELIVERY)
    assert fileformat.line_of(document, ("title",)) == 2
    assert fileformat.line_of(document, ("steps", 1, "ask", "options", 1)) == 26
    assert fileformat.line_of(document, ("steps", 0, "branches", 1, "next")) == 18
    assert fileformat.text_line(document, ("steps", 0, "say"), 2) == 10


def test_invalid_yaml_is_a_syntax_problem_with_its_line():
    with pytest.raises(fileformat.SyntaxProblem) as problem:
        fileformat.load("id: x\ntitle: [unclosed\nsteps: []\n")
    assert problem.value.line == 3 and "YAML syntax" in str(problem.value)


def test_a_duplicate_key_is_refused_with_its_line():
    with pytest.raises(fileformat.SyntaxProblem) as problem:
        fileformat.load("id: a\ntitle: One\ntitle: Two\n")
    assert problem.value.line == 3 and "duplicate key 'title'" in str(problem.value)


def test_yaml_aliases_are_refused_so_a_file_cannot_expand_in_memory():
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    with pytest.raises(fileformat.SyntaxProblem, match="aliases") as problem:
        fileformat.load(bomb)
    assert problem.value.line == 2


def test_a_definition_survives_the_round_trip_through_json():
    script = definition_of(DELIVERY)
    assert Definition.from_json(script.to_json()) == script


def test_an_exported_definition_reads_back_to_the_same_definition():
    script = definition_of(DELIVERY)
    exported = fileformat.dump(fileformat.to_document(script))
    assert "say: |" in exported and "'yes'" in exported
    assert definition_of(exported) == script


def test_an_editor_submission_is_checked_like_a_file_without_lines():
    document = fileformat.to_document(definition_of(DELIVERY))
    document["steps"][0]["next"] = "nowhere"
    _, problems = check_document(document)
    assert [(p.path, p.message) for p in problems] == [(("steps", 0, "next"), "unknown step 'nowhere'")]


@pytest.mark.parametrize(("kind", "raw", "stored"), [
    ("text", "  12 Main Street ", "12 Main Street"),
    ("yes_no", "no", "no"),
    ("number", "12", 12),
    ("number", "12,5", 12.5),
    ("number", "-3.25", -3.25),
    ("date", "2026-01-31", "2026-01-31"),
])
def test_answers_are_stored_in_their_type(kind, raw, stored):
    assert parse_answer(Question(kind, "Label"), raw) == stored


@pytest.mark.parametrize(("question", "raw", "reason"), [
    (Question("text", "L"), "", "an answer is required"),
    (Question("text", "L"), "x" * 501, "at most 500"),
    (Question("yes_no", "L"), "maybe", "yes or no"),
    (Question("number", "L"), "twelve", "a number"),
    (Question("number", "L"), "1e400", "a number"),
    (Question("date", "L"), "31.01.2026", "a date"),
    (Question("choice", "L", options=()), "other", "listed options"),
])
def test_invalid_answers_are_refused_with_the_reason(question, raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_answer(question, raw)


def test_an_optional_question_left_empty_has_no_answer():
    assert parse_answer(Question("text", "L", required=False), "   ") is None


def test_branches_follow_numbers_dates_and_choices():
    script = definition_of(DELIVERY)
    today = date(2026, 3, 1)
    assert script.step("greet").next_for("yes", today) == "status"
    assert script.step("status").next_for("lost", today) == "count"
    assert script.step("count").next_for(2, today) == "vendor"
    assert script.step("count").next_for(1, today) == "ordered"
    assert script.step("ordered").next_for("2026-02-20", today) == "wait"
    assert script.step("ordered").next_for("2026-01-02", today) == "vendor"
    assert script.step("address").next_for(None, today) == "resend"
    assert script.step("vendor").next_for(None, today) is None
