"""Reading a participant's survey reply: the score on the program's scale, the rest as the comment.

A pure function of the text and the scale (5: 1 to 5; 10: 0 to 10); no database, no app. What it reads, in
order of trust:

1. **Numbers**: a lone score ("4", "5!", "٥", "5️⃣", "🔟"), a rating with its scale ("4/5", "10/10",
   "8 na 10", "3 из 5", "4,5/5"), a decimal ("4,5"), a number word ("four", "pięć", "пять") or a school grade
   ("piątka", "пятёрка", both out of 5). Ratings given out of another scale are converted linearly (the lowest
   mark to the lowest score). On 1–5 a lone 6 to 10 is read out of 10 ("10" is 5) and, but for 10, marked for
   review. A number that is a duration, a count, a price, a date, a time or a case number is never a score:
   it is followed by a unit ("2 tygodnie", "3 razy", "50 zł", "5 maja", "5th"), preceded by a marker
   ("#5", "nr 5", "case 5", "May 5", "$5", "o 5"), part of a time or range ("10:30", "2-3"), or longer than
   two digits; inside a text, a number followed by a word that does not go with a score counts something
   ("mam 2 pytania"). Points are loyalty points ("5 баллов не начислили") unless the reply is nothing but
   them ("5 баллов") or they follow a rating word; a range is a measure unless it stands alone ("4-5" is two
   ratings). A number after a rating word ("daję 4", "I give it a 4", "ставлю 4") outranks the
   others. Number words count as the first word, in replies of up to three words, or after a rating word.
2. **Stars**: ``⭐⭐⭐⭐`` is 4 out of 5; ``★★★☆☆`` is 3.
3. **Words and emoji** in short replies (the table in :mod:`helpdesk.surveys.reply_words`), negations turned
   over ("not good" is low, "not bad" is good). A question ("?" or a question word first) gets no verbal
   score: it is for an agent.

Two different numbers ("5 for the agent, 2 for the courier"), or a number and words far apart ("5, but the
courier was terrible"), give the lower score, the whole text as the comment, and ``needs_review``.
Otherwise the comment is the text without the number or stars the score was read from, or the whole text
when the rating was in words; None when only the rating, greetings and thanks are there.

Examples (the parser's own; the held-out table in tests/surveys/reply_table.py does not repeat them):

>>> parse_reply("czekałem 2 tygodnie, ale daję 4").score
4
>>> parse_reply("3 dni czekania").score is None
True
>>> parse_reply("2 bo czekałem tydzień").comment
'bo czekałem tydzień'
>>> parse_reply("8 na 10").score, parse_reply("8 na 10", scale=10).score
(4, 8)
>>> parse_reply("5 for the agent, 2 for the courier")
Reply(score=2, comment='5 for the agent, 2 for the courier', needs_review=True, asks=False, words=6)
>>> parse_reply("bardzo dobrze").score, parse_reply("👍", scale=10).score
(5, 10)
"""

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from helpdesk.surveys.reply_words import (
    CUES,
    DANGLING,
    FILLER,
    FOLLOWERS,
    GRADES,
    LEVEL_FRACTION,
    MARKER_BEFORE,
    NEGATION_BRIDGES,
    NEGATIONS,
    NOT_A_NUMERAL_BEFORE_ONE,
    NUMERALS,
    ORDINAL,
    OUT_OF_WORDS,
    POINTS,
    QUESTION_WORDS,
    UNIT_AFTER,
    VERBAL,
)

MAX_SCANNED = 2_000  # a score comes first in a long text, if anywhere
MAX_WORDS_FOR_WORDS = 12  # in longer texts words like "good" are rarely the rating
MAX_WORDS_FOR_NUMBER_WORDS = 3
SCALES = {5: (1, 5), 10: (0, 10)}
_KEYCAP = re.compile(r"(\d)\ufe0f?\u20e3")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_OUT_OF = re.compile(r"\s*(?:/|na|z|из|на|out of|of)\s*(\d+)(?![\d.,:]\d)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_FILLED_STARS = "⭐🌟★✪✫✬✭✮✯✰"
_STAR_RUN = re.compile(f"[{_FILLED_STARS}☆✩](?:\\s*[{_FILLED_STARS}☆✩])*")
_STAR_UNITS = re.compile(r"^\s*(?:stars?|gwiazd\w*|звезд\w*|звёзд\w*)", re.IGNORECASE)
_RATING_UNITS = re.compile(r"^\s*(?:stars?|gwiazd\w*|звезд\w*|звёзд\w*|балл\w*|punkt\w*|pkt|points?)",
                           re.IGNORECASE)
_EDGES = " \t\r\n,.;:!-–—()*_\"'"


@dataclass(frozen=True)
class Reply:
    score: int | None
    comment: str | None
    needs_review: bool = False  # two ratings far apart: the lower is the score
    asks: bool = False  # the text asks something: an agent should read it
    words: int = 0


@dataclass(frozen=True)
class _Rating:
    fraction: float  # 0 (the lowest mark) to 1 (the top)
    start: int
    end: int
    cued: bool = False
    review: bool = False  # read out of another scale than the one asked


@functools.cache
def _fold_char(char: str) -> str:
    lower = char.casefold() if len(char.casefold()) == 1 else char.lower()
    lower = lower if len(lower) == 1 else char
    base = "".join(c for c in unicodedata.normalize("NFD", lower) if not unicodedata.combining(c))
    return "l" if lower == "ł" else base if len(base) == 1 else lower


def fold(text: str) -> str:
    """Lower case without accents, so "Pięć" meets "piec" and "пятёрка" meets "пятерка"; one character for
    one, so positions in the folded text are positions in the text."""
    return "".join(_fold_char(char) for char in text)


def _phrases(levels: dict[int, str]) -> list[tuple[str, int]]:
    pairs = [(fold(" ".join(phrase.split())), level) for level, text in levels.items() for phrase in text.split("|")]
    return sorted(((phrase, level) for phrase, level in pairs if phrase), key=lambda pair: -len(pair[0]))


VERBAL_PHRASES = _phrases(VERBAL)
VERBAL_LEVELS = dict(VERBAL_PHRASES)
VERBAL_FIRST_WORDS = {phrase.split()[0] for phrase, _ in VERBAL_PHRASES if phrase[0].isalpha()}
# One pass finds them all, the longest phrase first where several start at one place.
_VERBAL_WORDS = re.compile(r"(?<![^\W\d_])(?:" + "|".join(
    re.escape(phrase) for phrase, _ in VERBAL_PHRASES if phrase[0].isalpha()) + r")(?![^\W\d_])")
_VERBAL_EMOJI = re.compile("|".join(re.escape(phrase) for phrase, _ in VERBAL_PHRASES if not phrase[0].isalpha()))
NUMBER_WORDS = {fold(word): (value, None) for value, words in NUMERALS.items() for word in words.split()}
NUMBER_WORDS |= {fold(word): (value, 5) for value, words in GRADES.items() for word in words.split()}


def parse_reply(reply: str | None, scale: int = 5) -> Reply:
    """What a reply says on the ``scale`` (5 or 10) the question asked for."""
    low, high = SCALES[scale]
    text = _clean(reply or "")
    folded = fold(text)
    words = _WORD.findall(folded)
    asks = "?" in text or bool(words and words[0] in QUESTION_WORDS)
    numbers = _numbers(text, folded, scale) + _number_words(folded, words, scale)
    stars = [] if numbers else _stars(text)
    verbal = [] if asks or len(words) > MAX_WORDS_FOR_WORDS else _verbal(folded)
    used = numbers or stars or verbal
    if not used:
        return Reply(None, _comment(text, []), asks=asks, words=len(words))
    used = [r for r in used if r.cued] or used
    everything = used if used is verbal else used + verbal
    lowest = min(everything, key=lambda r: r.fraction)
    mixed = (used is not verbal and len({r.fraction for r in used}) > 1) or (
        max(r.fraction for r in everything) - lowest.fraction > 0.5)
    if mixed:
        return Reply(_to_scale(lowest.fraction, low, high), text.strip() or None, needs_review=True, asks=asks,
                     words=len(words))
    first = min(used, key=lambda r: r.start)
    comment = _comment(text, used)
    if comment and used is verbal:  # words are part of the sentence: "super, tylko kurier się spóźnił"
        comment = text.strip(_EDGES)
    return Reply(_to_scale(first.fraction, low, high), comment, needs_review=first.review, asks=asks,
                 words=len(words))


def _clean(reply: str) -> str:
    """The start of the reply, keycaps as digits and compatibility forms folded ("５", "①", "𝟒" are digits)."""
    text = reply[:MAX_SCANNED].replace("\x00", "").replace("🔟", " 10 ")
    text = _KEYCAP.sub(r"\1", text).replace("\ufe0f", "")
    return unicodedata.normalize("NFKC", text)


def _to_scale(fraction: float, low: int, high: int) -> int:
    return low + math.floor(min(max(fraction, 0.0), 1.0) * (high - low) + 0.5)


def _fraction(value: float, out_of: int) -> float:
    """A mark out of ``out_of``: out of 5 (and 100) counts from 1, out of 10 from 0."""
    if out_of == 5:
        return (value - 1) / 4
    return value / out_of


def _previous_words(folded: str, start: int, count: int) -> list[str]:
    return re.findall(r"[^\s]+", folded[:start])[-count:]


def _numbers(text: str, folded: str, scale: int) -> list[_Rating]:
    ratings, denominator_end = [], 0
    for match in _NUMBER.finditer(text):
        start, end, token = match.start(), match.end(), match.group()
        if start < denominator_end:
            continue  # the 10 of "9 na 10"
        out_of = _OUT_OF.match(text, end)
        if out_of is not None:
            rating, denominator_end = _rated_out_of(token, int(out_of.group(1)), start, out_of.end()), out_of.end()
        elif _is_a_measure(text, folded, start, end, token):
            continue
        else:
            rating = _lone_number(token, start, end, folded, scale)
        if rating is not None:
            ratings.append(rating)
    return ratings


def _in_a_range(text: str, folded: str, start: int, end: int) -> bool:
    """Part of a range that measures something: "2-3 dni", a date "12-05-2026"; "4-5" alone is two ratings."""
    after, before = re.match(r"[-–](\d+)", text[end:]), re.search(r"(\d+)[-–]$", text[:start])
    if after is None and before is None:
        return False
    first = before.start() if before else start
    last = end + after.end() if after else end
    numbers = [int(n) for n in _NUMBER.findall(text[first:last].replace("–", "-").replace("-", " "))]
    following = re.match(r"[\s-]*([^\s\d.,!?;:()]+)", folded[last:])
    return (bool(re.match(r"[-–.]\d", text[last:])) or max(numbers) > 10
            or bool(following and (UNIT_AFTER.match(following.group(1)) or POINTS.match(following.group(1)))))


def _is_a_measure(text: str, folded: str, start: int, end: int, token: str) -> bool:
    before, after = text[max(0, start - 1):start], text[end:end + 2]
    if token.count(".") + token.count(",") > 1 or len(token.split(".")[0].split(",")[0]) > 2:
        return True  # a date, a long number
    if before.isalpha() or before in ("#", "№", "$", "€", "£", "+", ":", "/") or after[:1] in (":", "/", "%"):
        return True  # "A5", "#5", "$5", "+48", "10:30", "12/05", "50%"
    if _in_a_range(text, folded, start, end):
        return True
    if ORDINAL.match(folded[end:]):
        return True
    if token.count(".") + token.count(",") == 1 and len(re.split("[.,]", token)[1]) != 1:
        return True  # "5.05", "4,99": a date or a price
    following = re.match(r"[\s-]*([^\s\d.,!?;:()]+)", folded[end:])
    if following and UNIT_AFTER.match(following.group(1)):
        return True
    if following and POINTS.match(following.group(1)):
        return not (_is_cued(folded, start) or _only_points(folded))
    previous = [word.strip(",;:(") for word in _previous_words(folded, start, 2)]
    if len(previous) == 2 and previous[1] in OUT_OF_WORDS and UNIT_AFTER.match(previous[0]):
        return True  # "3 paczki z 5": the count's total
    if previous and previous[-1] in MARKER_BEFORE:
        return True
    # Inside a text, a number followed by a word that does not go with a score counts something: "mam 2 pytania"
    inside = following is not None and _WORD.search(folded[:start]) and not _is_cued(folded, start)
    return bool(inside and not _may_follow_a_score(following.group(1)))


def _only_points(folded: str) -> bool:
    """Nothing but a number of points and thanks: "5 баллов", "5 punktów, dziękuję" give a rating."""
    return not [word for word in _WORD.findall(folded) if not POINTS.match(word) and word not in FILLER
                and word not in NUMBER_WORDS]


def _may_follow_a_score(word: str) -> bool:
    letters = _WORD.match(word)
    return letters is None or letters.group() in FOLLOWERS or letters.group() in VERBAL_FIRST_WORDS or bool(
        _STAR_UNITS.match(word))


def _is_cued(folded: str, start: int) -> bool:
    return any(word.strip(",;:-") in CUES for word in _previous_words(folded, start, 3))


def _rated_out_of(token: str, out_of: int, start: int, end: int) -> _Rating | None:
    value = float(token.replace(",", "."))
    if out_of not in (5, 10, 100) or value > out_of:
        return None
    return _Rating(_fraction(value, out_of), start, end, cued=True)


def _lone_number(token: str, start: int, end: int, folded: str, scale: int) -> _Rating | None:
    value = float(token.replace(",", "."))
    low, high = SCALES[scale]
    cued = _is_cued(folded, start)
    if low <= value <= high:
        return _Rating((value - low) / (high - low), start, end, cued=cued)
    if scale == 5 and value <= 10 and value == int(value):  # answered out of 10 on a 1-5 question
        return _Rating(value / 10, start, end, cued=cued, review=value != 10)
    return None


def _number_words(folded: str, words: list[str], scale: int) -> list[_Rating]:
    """Number words and grades: as the reply's first word, in a reply of a few words, or after a rating word
    ("daję piątkę"); elsewhere "one" or "jeden" is rarely a score ("jeden nie doszedł")."""
    low, high = SCALES[scale]
    ratings, position = [], 0
    for index, word in enumerate(words):
        start = folded.index(word, position)
        position = start + len(word)
        value, out_of = NUMBER_WORDS.get(word, (None, None))
        if value is None or (word == "one" and index and words[index - 1] in NOT_A_NUMERAL_BEFORE_ONE):
            continue
        cued = _is_cued(folded, start)
        if not (cued or index == 0 or len(words) <= MAX_WORDS_FOR_NUMBER_WORDS):
            continue
        following = re.match(r"\s*(\S+)", folded[position:])
        if following and (UNIT_AFTER.match(following.group(1)) or (
                POINTS.match(following.group(1)) and not cued and not _only_points(folded))):
            continue  # "two days", "пять дней", "пять баллов не начислили"
        if out_of is not None:
            ratings.append(_Rating(_fraction(value, out_of), start, position, cued=cued))
        elif low <= value <= high:
            ratings.append(_Rating((value - low) / (high - low), start, position, cued=cued))
    return ratings


def _stars(text: str) -> list[_Rating]:
    run = _STAR_RUN.search(text)
    if run is None:
        return []
    filled = sum(run.group().count(star) for star in _FILLED_STARS)
    return [_Rating(_fraction(filled, 5), run.start(), run.end())] if 1 <= filled <= 5 else []


def _verbal(folded: str) -> list[_Rating]:
    """Rating phrases and emoji; a negation before a phrase turns it over."""
    ratings = []
    for pattern, emoji in ((_VERBAL_WORDS, False), (_VERBAL_EMOJI, True)):
        for match in pattern.finditer(folded):
            level, start = _negated(folded, match.start(), VERBAL_LEVELS[match.group()], emoji)
            ratings.append(_Rating(LEVEL_FRACTION[level], start, match.end()))
    return ratings


def _negated(folded: str, start: int, level: int, emoji: bool) -> tuple[int, int]:
    """The level turned over when a negation comes before the phrase, and where the negated phrase starts."""
    previous = [word.strip(",;:") for word in _previous_words(folded, start, 2)]
    if emoji or not previous:
        return level, start
    for count in (1, 2):
        words = previous[-count:]
        if len(words) == count and words[0] in NEGATIONS and all(w in NEGATION_BRIDGES for w in words[1:]):
            return (4 if level <= 2 else 2), folded.rindex(words[0], 0, start)
    return level, start


def _comment(text: str, used: list[_Rating]) -> str | None:
    """The text without the spans the score was read from; None when nothing but thanks is left."""
    for rating in sorted(used, key=lambda r: -r.start):
        start, end = rating.start, rating.end
        unit = _RATING_UNITS.match(text[end:])
        if unit:
            end += unit.end()
        if rating.cued and not text[end:].strip(_EDGES):  # "…, ale daję 4": the rating words go too
            cue = re.search(r"(?:\S+\s+){0,2}$", text[:start])
            words = cue.group().split() if cue else []
            while words and fold(words[0]).strip(",;:-") not in CUES:
                words.pop(0)
            start -= len(" ".join(words)) + (1 if words else 0) if words else 0
        text = text[:start] + " " + text[end:]
    comment = re.sub(r"\s+", " ", text).strip(_EDGES)
    while (last := comment.rsplit(None, 1)) and fold(last[-1]) in DANGLING:
        comment = (last[0] if len(last) == 2 else "").strip(_EDGES)
    left = [w for w in _WORD.findall(fold(comment)) if w not in FILLER]
    return comment if left else None
