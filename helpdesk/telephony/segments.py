"""How many SMS segments a text costs, counted as Twilio counts them (static/js/segments.js mirrors this).

A text of GSM-7 characters only fits 160 characters in one segment and 153 per segment when split; the
extension characters ``^ { } \\ [ ~ ] | €`` take two. One character outside GSM-7 (ą, ł, any Cyrillic letter,
an emoji) makes the whole text UCS-2: 70 in one segment, 67 per segment when split, counted in UTF-16 code
units (an emoji outside the Basic Multilingual Plane takes two).
"""

import math
from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("^{}\\[~]|€\f")
SINGLE = {"GSM-7": 160, "UCS-2": 70}
SPLIT = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # characters as the encoding counts them
    segments: int


def count_segments(text: str) -> SegmentCount:
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        encoding, units = "GSM-7", sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    else:
        encoding, units = "UCS-2", len(text.encode("utf-16-le")) // 2
    if units == 0:
        return SegmentCount(encoding, 0, 0)
    segments = 1 if units <= SINGLE[encoding] else math.ceil(units / SPLIT[encoding])
    return SegmentCount(encoding, units, segments)
