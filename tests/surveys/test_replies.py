"""Reading a score out of a reply: the table of what participants really send, and the held-out accuracy."""

import doctest
import re

import pytest

from helpdesk.surveys import replies
from helpdesk.surveys.replies import parse_reply
from tests.surveys.reply_table import DEVELOPMENT, HELD_OUT, TRAPS

ROWS = DEVELOPMENT + HELD_OUT


def _id(row):
    return f"{row[0][:30]!r}@{row[1]}"


def test_the_table_holds_at_least_250_replies_in_english_polish_and_russian():
    assert len(ROWS) >= 250
    assert any(re.search("[ąęłśżźćń]", r) for r, _, _ in ROWS) and any(re.search("[а-я]", r) for r, _, _ in ROWS)
    assert len({(r, s) for r, s, _ in ROWS}) == len(ROWS), "a reply twice in the table"


@pytest.mark.parametrize("row", DEVELOPMENT, ids=_id)
def test_a_reply_gives_the_score_participants_mean(row):
    reply, scale, score = row
    assert parse_reply(reply, scale).score == score


def test_the_held_out_replies_are_not_among_the_parsers_own_examples():
    sources = " ".join(example.source for example in doctest.DocTestFinder().find(replies)[0].examples)
    examples = set(re.findall(r'parse_reply\("([^"]*)"', sources))
    assert len(examples) >= 6
    assert not examples & {reply for reply, _, _ in HELD_OUT}


def test_held_out_replies_are_read_right_at_least_97_percent_and_no_number_is_misread():
    wrong = [(reply, scale, score, parse_reply(reply, scale).score) for reply, scale, score in HELD_OUT
             if parse_reply(reply, scale).score != score]
    assert 1 - len(wrong) / len(HELD_OUT) >= 0.97, wrong
    assert not [row for row in wrong if row[0] in TRAPS], "a duration, count, date or number read as the score"


def test_every_number_trap_in_the_table_is_read_right():
    assert len(TRAPS) >= 40
    assert [(r, s, e) for r, s, e in ROWS if r in TRAPS and parse_reply(r, s).score != e] == []


def test_the_parsers_own_examples_hold():
    assert doctest.testmod(replies).failed == 0


@pytest.mark.parametrize(("reply", "comment"), [
    ("2 bo czekałem tydzień", "bo czekałem tydzień"),
    ("czekałem 2 tygodnie, ale daję 4", "czekałem 2 tygodnie"),
    ("5 - great service", "great service"),
    ("5", None), ("Great, thanks!", None), ("bardzo dobrze, dziękuję", None),
    ("⭐⭐⭐⭐ kurier był miły", "kurier był miły"),
    ("4/5, delivery was slow", "delivery was slow"), ("5 stars, love it", "love it"),
    ("super, kurier szybki", "super, kurier szybki"), ("9 na 10, dziękuję", None),
    ("Where is my parcel?", "Where is my parcel?"), ("5 баллов", None),
])
def test_the_rest_of_the_reply_becomes_the_comment(reply, comment):
    assert parse_reply(reply).comment == comment


def test_two_ratings_give_the_lower_with_the_whole_text_and_a_review_mark():
    reply = parse_reply("5 for the agent, 2 for the courier")
    assert (reply.score, reply.comment, reply.needs_review) == (2, "5 for the agent, 2 for the courier", True)
    assert parse_reply("5 - great").needs_review is False


def test_a_one_to_five_question_answered_out_of_ten_is_converted_and_marked_for_review():
    assert (parse_reply("8").score, parse_reply("8").needs_review) == (4, True)
    assert (parse_reply("10").score, parse_reply("10").needs_review) == (5, False)


def test_questions_are_flagged_and_get_no_verbal_score():
    reply = parse_reply("super, a kiedy przyjdzie paczka?")
    assert reply.asks and reply.score is None
    assert parse_reply("5, but when will my parcel come?").score == 5
    assert parse_reply("Gdzie moja paczka").asks


@pytest.mark.parametrize("reply", ["🎉🎉🎉", "?!?!", "...", "漢字だけ", "ქართული", "x" * 1600, "ха" * 800])
def test_bad_input_is_no_score_and_never_an_error(reply):
    assert parse_reply(reply).score is None


def test_a_very_long_reply_is_read_from_its_start_quickly():
    assert parse_reply("5 " + "bardzo dobra obsługa " * 5_000).score == 5
    assert parse_reply("x" * 100_000 + " 5").score is None


def test_nothing_at_all_is_no_score():
    assert parse_reply(None) == replies.Reply(None, None)


@pytest.mark.parametrize(("reply", "score"), [
    ("bardzo dobrze", 5), ("super", 5), ("отлично", 5), ("всё хорошо, спасибо", 4), ("Great, thanks!", 5),
    ("👍", 5), ("👍👍", 5), ("10", 5), ("10/10", 5), ("czekałem 2 tygodnie, ale ogólnie daję 4", 4),
    ("2 bo czekałem tydzień", 2), ("3 dni czekania", None),
])
def test_the_replies_the_issue_found_misread_are_read_right(reply, score):
    assert parse_reply(reply).score == score
