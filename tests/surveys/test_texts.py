"""The survey texts: the defaults fit one SMS segment in every language, placeholders are checked."""

import re

import pytest

from helpdesk.surveys.texts import DEFAULTS_FIT_NAME, KEYS, TEXTS, default_text, survey_text, text_problem
from helpdesk.telephony.segments import count_segments

PROGRAM = "N" * DEFAULTS_FIT_NAME
CASES = [(locale, key, scale) for locale in TEXTS for key in KEYS for scale in (5, 10)]


@pytest.mark.parametrize(("locale", "key", "scale"), CASES, ids=[f"{loc}-{k}-{s}" for loc, k, s in CASES])
def test_every_default_fits_one_segment_and_names_the_program(locale, key, scale):
    text = survey_text(locale, key, scale, program=PROGRAM, case="123456")
    count = count_segments(text)
    assert count.segments == 1 and PROGRAM in text
    if locale in ("en", "pl"):
        assert count.encoding == "GSM-7"  # plain letters: 160 characters, not 70
    else:
        assert count.units < 70


def test_the_polish_defaults_are_written_without_diacritics_and_the_russian_in_cyrillic():
    polish = " ".join(default_text("pl", key, scale) for key in KEYS for scale in (5, 10))
    assert not re.search("[ąćęłńóśźż]", polish, re.IGNORECASE)
    assert all(re.search("[а-я]", default_text("ru", key, 5)) for key in KEYS)


@pytest.mark.parametrize(("locale", "scale", "words"), [
    ("en", 5, "1 (not at all) to 5"), ("en", 10, "0 (not at all) to 10"), ("pl", 10, "od 0 (zle) do 10"),
    ("ru", 5, "от 1 до 5"), ("ru", 10, "от 0 до 10"),
])
def test_the_question_and_the_re_ask_name_the_scale(locale, scale, words):
    assert words in default_text(locale, "question", scale) and words.split()[0] in default_text(locale, "re_ask",
                                                                                                  scale)


@pytest.mark.parametrize(("text", "problem"), [
    ("Rate {case} please", None), ("{program}: {case}", None),
    ("{}", "unknown placeholder {}: use {program} or {case}"),
    ("Rate {Case}", "unknown placeholder {Case}: use {program} or {case}"),
    ("{program} {name} {case}", "unknown placeholder {name}: use {program} or {case}"),
    ("{program.__class__}", "unknown placeholder {program.__class__}: use {program} or {case}"),
    ("x" * 918, None), ("x" * 919, "is 7 SMS segments long; at most 6"),
    ("{program}" + "x" * 910, "is 7 SMS segments long; at most 6"),  # measured with the program's name
])
def test_a_managers_text_is_refused_for_an_unknown_placeholder_or_over_six_segments(text, problem):
    assert text_problem(text, "Aurora Rewards") == problem


def test_placeholders_are_replaced_literally():
    assert survey_text("en", "thanks", 5, "{program} {case} {program.__class__}", program="A", case=7) == \
        "A 7 {program.__class__}"
