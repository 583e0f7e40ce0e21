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


# A reply is cut into messages of at most 1,600 characters (Twilio's limit for one message), each billed and
# delivered in segments; static/js/sms_counter.js counts the same way in the browser before sending.
MAX_MESSAGE = 1600
MAX_PARTS = 3
MAX_REPLY = MAX_MESSAGE * MAX_PARTS


def split_reply(text: str) -> list[str]:
    """The reply as messages of at most MAX_MESSAGE characters, cut after a line or a word where there is one."""
    parts = []
    while len(text) > MAX_MESSAGE:
        window = text[:MAX_MESSAGE]
        cut = max(window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > MAX_MESSAGE // 2 else MAX_MESSAGE
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts
