"""Text folded for search, the way people type in Poland and Russia: without diacritics and case.

ą→a, ć→c, ę→e, ł→l, ń→n, ó→o, ś→s, ź/ż→z, ё→е: Unicode compatibility decomposition with the combining marks
dropped, plus explicit folds for letters that do not decompose (ł, đ, ø). Й keeps its breve: it is a letter
of its own in Russian, not и with an accent (and SQLite's FTS5 tokenizer keeps it too).

The databases fold subjects the same way: SQLite's FTS5 (``remove_diacritics 2``, with ł and ё replaced in a
view) and PostgreSQL's ``fold_text()`` (migration 0010). Keep the three in step.
"""

import unicodedata

_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O"})
_KEPT = frozenset("йЙ")


def fold(text: str) -> str:
    text = text.translate(_UNDECOMPOSED)
    return "".join(ch if ch in _KEPT else _strip_marks(ch) for ch in text).casefold()


def _strip_marks(ch: str) -> str:
    if ch.isascii():
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
