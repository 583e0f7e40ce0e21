"""SMS segments counted as Twilio counts them: GSM-7 160 / 153, UCS-2 70 / 67, extension characters double."""

import pytest

from helpdesk.telephony.segments import count_segments


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "GSM-7", 0, 0),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),  # split: 153 per segment
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),  # extension characters count twice
    ("€" * 81, "GSM-7", 162, 2),
    ("a" * 159 + "{", "GSM-7", 161, 2),
    ("^{}\\[~]|€", "GSM-7", 18, 1),
    ("Zażółć gęślą jaźń", "UCS-2", 17, 1),  # one Polish letter makes the whole text UCS-2
    ("ż" + "a" * 69, "UCS-2", 70, 1),
    ("ż" + "a" * 70, "UCS-2", 71, 2),  # split: 67 per segment
    ("Ж" * 134, "UCS-2", 134, 2),
    ("Ж" * 135, "UCS-2", 135, 3),
    ("€" + "ж" * 69, "UCS-2", 70, 1),  # in UCS-2 an extension character is one unit like any other
    ("👍" * 35, "UCS-2", 70, 1),  # an emoji outside the BMP takes two UTF-16 units
    ("👍" * 36, "UCS-2", 72, 2),
    ("Café à Ærø, Ñandù ¿ß? @£$¥ §", "GSM-7", 28, 1),  # GSM-7's own accented letters
    ("ó", "UCS-2", 1, 1),  # ó is not GSM-7 (ö is), nor ú (ù is)
    ("ú", "UCS-2", 1, 1),
])
def test_segments_follow_twilios_rules(text, encoding, units, segments):
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)
