"""What the survey texts say, in the participant's language. Programs may replace the question per locale."""

TEXTS = {
    "en": {
        "question": "How happy are you with our help on case {case}? Reply with a number from 1 (not at all) "
                    "to 5 (very).",
        "re_ask": "Sorry, we did not understand. Please reply with one number from 1 (not at all) to 5 (very).",
        "thanks": "Thank you for your rating! If you would like to tell us more, just reply to this message.",
    },
    "pl": {
        "question": "Na ile jesteś zadowolony/a z naszej pomocy w sprawie {case}? Odpowiedz cyfrą od 1 (wcale) "
                    "do 5 (bardzo).",
        "re_ask": "Przepraszamy, nie zrozumieliśmy. Prosimy odpowiedzieć jedną cyfrą od 1 (wcale) do 5 (bardzo).",
        "thanks": "Dziękujemy za ocenę! Jeśli chcesz coś dodać, po prostu odpowiedz na tę wiadomość.",
    },
    "ru": {
        "question": "Насколько вы довольны нашей помощью по обращению {case}? Ответьте цифрой от 1 (совсем нет) "
                    "до 5 (очень).",
        "re_ask": "Извините, мы не поняли ответ. Пожалуйста, ответьте одной цифрой от 1 (совсем нет) до 5 (очень).",
        "thanks": "Спасибо за оценку! Если хотите что-то добавить, просто ответьте на это сообщение.",
    },
}
PLACEHOLDERS = ("{case}", "{program}")


def survey_text(locale: str, key: str, override: str | None = None, **values) -> str:
    """The text ``key`` in ``locale`` (English when the locale has none), or the program's own ``override``.

    Placeholders are replaced literally (no ``str.format``: a manager's text cannot reach attributes).
    """
    text = override or TEXTS.get(locale, TEXTS["en"])[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text
