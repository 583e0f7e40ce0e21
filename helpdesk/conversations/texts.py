"""The automatic texts, in the participant's language: short and polite, one SMS segment where the language allows.

Values are put in literally (no ``str.format`` on participant or order data).
"""

from urllib.parse import quote

from helpdesk.programs.models import WEEKDAYS

TEXTS = {
    "en": {
        "ack": "Thank you, we got your message (case {case}). We will reply {due}.",
        "ack_closed": "Thank you, we got your message (case {case}). We are closed now, open {hours}. "
                      "We will reply {due}.",
        "shipped": "Your {reward} is on its way with {carrier}: {tracking}",
        "reshipped": "We have sent your {reward} again with {carrier}: {tracking}",
        "delivered": "Your {reward} has been delivered. Enjoy!",
    },
    "pl": {
        "ack": "Dziękujemy, sprawa {case} przyjęta. Odpowiemy {due}.",
        "ack_closed": "Dziękujemy, sprawa {case} przyjęta. Teraz nie pracujemy, godziny: {hours}. "
                      "Odpowiemy {due}.",
        "shipped": "Twoja nagroda {reward} jest w drodze ({carrier}): {tracking}",
        "reshipped": "Wysłaliśmy ponownie Twoją nagrodę {reward} ({carrier}): {tracking}",
        "delivered": "Twoja nagroda {reward} dotarła. Miłego korzystania!",
    },
    "ru": {
        "ack": "Спасибо, обращение {case} принято. Ответим {due}.",
        "ack_closed": "Обращение {case} принято. Сейчас мы не работаем, часы работы: {hours}. Ответим {due}.",
        "shipped": "Ваша награда {reward} в пути ({carrier}): {tracking}",
        "reshipped": "Мы повторно отправили вашу награду {reward} ({carrier}): {tracking}",
        "delivered": "Награда {reward} доставлена. Приятного пользования!",
    },
}
DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "pl": ("pn", "wt", "śr", "czw", "pt", "sob", "ndz"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
# Carriers whose parcels can be followed on a public page by tracking number (lower-case name -> page).
TRACKING_PAGES = {
    "dhl": "https://www.dhl.com/track?tracking-id={number}",
    "dpd": "https://tracktrace.dpd.com.pl/parcelDetails?p1={number}",
    "inpost": "https://inpost.pl/sledzenie-przesylek?number={number}",
    "ups": "https://www.ups.com/track?tracknum={number}",
    "gls": "https://gls-group.com/track/{number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "poczta polska": "https://emonitoring.poczta-polska.pl/?numer={number}",
}
MAX_REWARD = 40


def conversation_text(locale: str, key: str, **values) -> str:
    text = TEXTS.get(locale, TEXTS["en"])[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def reward_name(name: str) -> str:
    return name if len(name) <= MAX_REWARD else name[: MAX_REWARD - 1] + "…"


def tracking(carrier: str | None, number: str | None) -> str:
    """The carrier's tracking page for the parcel, or the bare tracking number when the carrier has none known."""
    if not number:
        return ""
    page = TRACKING_PAGES.get((carrier or "").strip().casefold())
    return page.replace("{number}", quote(number, safe="")) if page else number


def opening_hours(hours: dict, locale: str) -> str:
    """The week's hours in a few words: days with the same hours run together ("Mon-Fri 09:00-17:00")."""
    names = DAYS.get(locale, DAYS["en"])
    runs: list[list] = []  # [first day index, last day index, hours text]
    for index, day in enumerate(WEEKDAYS):
        text = ", ".join(hours.get(day) or [])
        if runs and runs[-1][2] == text and runs[-1][1] == index - 1:
            runs[-1][1] = index
        else:
            runs.append([index, index, text])
    parts = [(names[first] if first == last else f"{names[first]}-{names[last]}") + f" {text}"
             for first, last, text in runs if text]
    return ", ".join(parts)
