"""Reading a score from 1 to 5 out of a participant's reply. A pure function: no database, no app.

In order: the first lone digit (a digit not part of a longer number: "4/5" is 4, "5 - great" is 5, in any
script's digits, keycap emoji included); else the first run of star emoji ("⭐⭐⭐⭐" is 4); else the first
number word in English, Polish or Russian ("four", "pięć", "пятёрка") in a short reply. A lone digit out of
range ("0", "6/10"), longer numbers only ("10", "55"), more than five stars or nothing at all: no score.
"""

import re
import unicodedata

MAX_SCANNED = 2_000  # a score comes first in a long text, if anywhere
MAX_WORDS_FOR_NUMBER_WORDS = 8  # in longer texts "one" is rarely a score ("one more thing ...")

_KEYCAP_MARKS = re.compile("[\ufe0f\u20e3]")  # "5️⃣" is 5, U+FE0F, U+20E3
_DIGIT_RUN = re.compile(r"\d+")  # str patterns match every script's decimal digits
_FILLED_STARS = "⭐🌟★✪✫✬✭✮✯✰"
_EMPTY_STARS = "☆✩"
_STAR_RUN = re.compile(f"[{_FILLED_STARS}{_EMPTY_STARS}](?:\\s*[{_FILLED_STARS}{_EMPTY_STARS}])*")
_WORD = re.compile(r"[^\W\d_]+")
_NOT_A_NUMBER_BEFORE_ONE = {"no", "any", "some", "every", "each", "the", "this", "that", "which", "other"}


def _fold(word: str) -> str:
    """Lower case without accents, so "Pięć" meets "piec" and "пятёрка" meets "пятерка"."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORDS_BY_SCORE = {
    1: "one jeden jedna jedno jedynka jedynkę jedynki один одна одно одну единица единицу единичка кол",
    2: "two dwa dwie dwójka dwójkę dwóję два две двойка двойку двоечка",
    3: "three trzy trójka trójkę три тройка тройку троечка трояк",
    4: "four cztery czwórka czwórkę четыре четверка четвёрка четверку четвёрку четверочка",
    5: "five pięć piątka piątkę piąteczka пять пятерка пятёрка пятерку пятёрку пятерочка пятёрочка",
}
NUMBER_WORDS = {_fold(word): score for score, words in _WORDS_BY_SCORE.items() for word in words.split()}


def parse_score(reply: str | None) -> int | None:
    """The score 1–5 a reply gives, or None when it gives none (the participant is asked once more)."""
    text = unicodedata.normalize("NFKC", (reply or "")[:MAX_SCANNED])  # "５", "①" become plain digits
    text = _KEYCAP_MARKS.sub("", text)
    lone = [run for run in _DIGIT_RUN.findall(text) if len(run) == 1]
    if lone:
        score = int(lone[0])
        return score if 1 <= score <= 5 else None
    stars = _STAR_RUN.search(text)
    if stars:
        filled = sum(stars.group().count(star) for star in _FILLED_STARS)
        return filled if 1 <= filled <= 5 else None
    return _number_word(text)


def _number_word(text: str) -> int | None:
    words = [_fold(w) for w in _WORD.findall(text)]
    if len(words) > MAX_WORDS_FOR_NUMBER_WORDS:
        return None
    for previous, word in zip(["", *words], words, strict=False):
        score = NUMBER_WORDS.get(word)
        if score is not None and not (word == "one" and previous in _NOT_A_NUMBER_BEFORE_ONE):
            return score
    return None
