"""Reading a score out of a reply: a table of what participants really send."""

import pytest

from helpdesk.surveys.replies import parse_score

REPLIES = [
    # a lone digit, with anything around it
    ("5", 5), ("1", 1), ("3", 3), (" 4 ", 4), ("5.", 5), ("5!", 5), ("4/5", 4), ("5/5", 5), ("2 / 5", 2),
    ("5 - great", 5), ("5 - świetnie", 5), ("5, спасибо", 5), ("I'd say 4", 4), ("4 because it took long", 4),
    ("Score: 3", 3), ("(2)", 2), ("**5**", 5), ("5stars", 5), ("4.5", 4), ("3 из 5", 3), ("ocena 4", 4),
    ("Case 123: 5", 5), ("5\n\nThanks a lot, Anna", 5), ("оценка-2", 2),
    # digits of other scripts and forms
    ("٥", 5), ("۴", 4), ("५", 5), ("５", 5), ("①", 1), ("𝟒", 4),
    # keycap emoji
    ("5️⃣", 5), ("1️⃣", 1), ("3⃣", 3), ("4️⃣ 👍", 4),
    # stars
    ("⭐⭐⭐⭐", 4), ("⭐", 1), ("⭐⭐⭐⭐⭐", 5), ("⭐️⭐️⭐️", 3), ("🌟🌟", 2), ("★★★☆☆", 3),
    ("⭐ ⭐ ⭐ ⭐ ⭐ great", 5),
    # number words in English, Polish and Russian, inflected
    ("five", 5), ("Five!", 5), ("four, thanks", 4), ("I would say three", 3), ("two", 2), ("one", 1),
    ("pięć", 5), ("Piec", 5), ("cztery", 4), ("czwórka", 4), ("na piątkę", 5), ("trzy", 3), ("dwie", 2),
    ("jedynka", 1), ("пять", 5), ("Пятёрка!", 5), ("пятерка", 5), ("на четвёрку", 4), ("четыре", 4),
    ("три", 3), ("двойка", 2), ("один", 1), ("кол", 1),
    # no score: out of range, longer numbers, nothing numeric
    ("0", None), ("6", None), ("9", None), ("10", None), ("55", None), ("10/10", None), ("100%", None),
    ("6/10", None), ("0/5", None), ("🔟", None), ("⭐⭐⭐⭐⭐⭐", None), ("+48 601 234 567", None),
    ("", None), ("   ", None), ("great", None), ("👍", None), ("❤️", None), ("ok", None), ("ten", None),
    ("шесть", None), ("zero", None), ("no one called me back", None), ("спасибо", None), ("dziękuję", None),
    ("谢谢", None), ("شكرا", None), ("?", None),
]


@pytest.mark.parametrize(("reply", "score"), REPLIES, ids=[repr(r)[:40] for r, _ in REPLIES])
def test_a_reply_gives_the_score_participants_mean(reply, score):
    assert parse_score(reply) == score


def test_the_table_covers_at_least_sixty_replies():
    assert len(REPLIES) >= 60


def test_a_very_long_reply_is_read_from_its_start_quickly():
    assert parse_score("5 " + "bardzo dobra obsługa " * 5_000) == 5
    assert parse_score("x" * 100_000 + " 5") is None


def test_number_words_count_only_in_short_replies():
    long_text = "Everything went fine and the agent was kind, I would give you a four"
    assert parse_score(long_text) is None
    assert parse_score("a four") == 4


def test_nothing_at_all_is_no_score():
    assert parse_score(None) is None
