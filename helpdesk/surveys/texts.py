"""What the survey texts say, in the participant's language; programs may replace any of them per language.

Placeholders: ``{program}`` (the program's name) and ``{case}`` (the case number). The defaults fit one SMS
segment with a program name of up to ``DEFAULTS_FIT_NAME`` characters and a 6-digit case number: English
and Polish in plain GSM-7 letters (160), Russian in UCS-2 (70). The question and the re-ask name the scale,
so they have a text per scale (5: 1 to 5; 10: 0 to 10).
"""

import re

from flask_babel import gettext as _

from helpdesk.telephony.segments import SegmentCount, count_segments

KEYS = ("question", "re_ask", "thanks", "comment_thanks", "opt_out")
PLACEHOLDERS = ("program", "case")
WARN_SEGMENTS = 3  # more is allowed, with a warning (each segment is billed)
MAX_SEGMENTS = 6
MAX_TEXT = 153 * MAX_SEGMENTS  # the longest text that fits MAX_SEGMENTS (GSM-7)
SAMPLE_CASE = "123456"  # the case number texts are measured with
DEFAULTS_FIT_NAME = 16
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

TEXTS = {
    "en": {
        "question": {
            5: "{program}: how happy are you with our help on case {case}? Please reply with a number from 1 "
               "(not at all) to 5 (very).",
            10: "{program}: how happy are you with our help on case {case}? Please reply with a number from 0 "
                "(not at all) to 10 (very).",
        },
        "re_ask": {
            5: "{program}: sorry, we did not catch that. Please reply with one number from 1 (not at all) to 5 "
               "(very).",
            10: "{program}: sorry, we did not catch that. Please reply with one number from 0 (not at all) to 10 "
                "(very).",
        },
        "thanks": "{program}: thank you for your rating! If you would like to tell us more, just reply to this "
                  "message.",
        "comment_thanks": "{program}: thank you for your feedback, it helps us get better.",
        "opt_out": "{program}: you will receive no more text messages from us. Reply START to receive them again.",
    },
    "pl": {
        "question": {
            5: "{program}: prosimy o ocene naszej pomocy w sprawie {case}. Wystarczy odpisac cyfre od 1 (zle) "
               "do 5 (bardzo dobrze).",
            10: "{program}: prosimy o ocene naszej pomocy w sprawie {case}. Wystarczy odpisac liczbe od 0 (zle) "
                "do 10 (bardzo dobrze).",
        },
        "re_ask": {
            5: "{program}: przepraszamy, nie rozumiemy odpowiedzi. Prosimy odpisac jedna cyfre od 1 (zle) do 5 "
               "(bardzo dobrze).",
            10: "{program}: przepraszamy, nie rozumiemy odpowiedzi. Prosimy odpisac jedna liczbe od 0 (zle) do 10 "
                "(bardzo dobrze).",
        },
        "thanks": "{program}: dziekujemy za ocene! Jesli chca Panstwo cos dodac, wystarczy odpisac na te "
                  "wiadomosc.",
        "comment_thanks": "{program}: dziekujemy za uwagi, pomoga nam dzialac lepiej.",
        "opt_out": "{program}: nie bedziemy juz wysylac SMS-ow. Aby je wznowic, prosimy odpisac START.",
    },
    "ru": {
        "question": {
            5: "{program}, обращение {case}: оцените, пожалуйста, от 1 до 5",
            10: "{program}, обращение {case}: оцените, пожалуйста, от 0 до 10",
        },
        "re_ask": {
            5: "{program}: не поняли. Пришлите, пожалуйста, цифру от 1 до 5",
            10: "{program}: не поняли. Пришлите, пожалуйста, число от 0 до 10",
        },
        "thanks": "{program}: спасибо за оценку! Если хотите, напишите отзыв",
        "comment_thanks": "{program}: спасибо за отзыв! Он поможет нам стать лучше",
        "opt_out": "{program}: SMS отключены. Чтобы включить, ответьте СТАРТ",
    },
}


def default_text(locale: str, key: str, scale: int) -> str:
    text = TEXTS.get(locale, TEXTS["en"])[key]
    return text[scale] if isinstance(text, dict) else text


def survey_text(locale: str, key: str, scale: int, override: str | None = None, **values) -> str:
    """The program's own ``override`` or the default text ``key`` in ``locale`` (English when the locale has
    none), for the ``scale`` asked. Placeholders are replaced literally (no ``str.format``: a manager's text
    cannot reach attributes)."""
    text = override or default_text(locale, key, scale)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def measure(text: str, program_name: str) -> SegmentCount:
    """What the text costs as sent: with the program's name and a 6-digit case number in its placeholders."""
    return count_segments(survey_text("en", "question", 5, text, program=program_name, case=SAMPLE_CASE))


def text_problem(text: str, program_name: str) -> str | None:
    """Why a manager's text cannot be saved (an unknown placeholder, over ``MAX_SEGMENTS``), or None."""
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        return _("unknown placeholder %(name)s: use {program} or {case}", name="{" + unknown[0] + "}")
    count = measure(text, program_name)
    if count.segments > MAX_SEGMENTS:
        return _("is %(segments)d SMS segments long; at most %(max)d", segments=count.segments, max=MAX_SEGMENTS)
    return None
