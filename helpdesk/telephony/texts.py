"""What callers hear, in their language. Programs may replace the greeting per locale in their settings."""

from datetime import datetime

from babel.dates import format_date

VOICE_LANGUAGE = {"en": "en-US", "pl": "pl-PL", "ru": "ru-RU"}
# A voice that speaks each language (Twilio's default voice reads Polish and Russian with English phonetics).
VOICE = {"en": "Polly.Joanna", "pl": "Polly.Ewa", "ru": "Polly.Tatyana"}

TEXTS = {
    "en": {
        "greeting": "Hello, and thank you for calling the {program} hotline.",
        "menu": "For a reward delivery, press 1. For points and your account, press 2. For anything else, press 0.",
        "connecting": "Please hold, we are connecting you to an agent.",
        "voicemail": "Nobody can take your call right now. Please leave a message after the tone, and we will call "
                     "you back.",
        "closed": "Our hotline is closed now. Please leave a message after the tone, and we will call you back.",
        "closed_until": "Our hotline is closed now. We are open again {when}. Please leave a message after the tone, "
                        "and we will call you back.",
        "thanks": "Thank you. Goodbye.",
        "not_in_service": "This number is not in service. Goodbye.",
    },
    "pl": {
        "greeting": "Dzień dobry, dziękujemy za telefon na infolinię {program}.",
        "menu": "W sprawie dostawy nagrody prosimy wybrać 1. W sprawie punktów i konta: 2. "
                "W innej sprawie: 0.",
        "connecting": "Prosimy czekać, łączymy z konsultantem.",
        "voicemail": "W tej chwili nikt nie może odebrać. Prosimy zostawić wiadomość po sygnale, oddzwonimy.",
        "closed": "Infolinia jest teraz nieczynna. Prosimy zostawić wiadomość po sygnale, oddzwonimy.",
        "closed_until": "Infolinia jest teraz nieczynna. Zapraszamy {when}. Prosimy zostawić wiadomość po sygnale, "
                        "oddzwonimy.",
        "thanks": "Dziękujemy. Do widzenia.",
        "not_in_service": "Ten numer jest nieaktywny. Do widzenia.",
    },
    "ru": {
        "greeting": "Здравствуйте, спасибо за звонок на горячую линию {program}.",
        "menu": "По доставке награды нажмите 1. По баллам и аккаунту нажмите 2. По другим вопросам нажмите 0.",
        "connecting": "Пожалуйста, оставайтесь на линии, соединяем с оператором.",
        "voicemail": "Сейчас никто не может ответить. Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "closed": "Горячая линия сейчас не работает. Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "closed_until": "Горячая линия сейчас не работает. Ждём вашего звонка {when}. Оставьте сообщение после "
                        "сигнала, и мы вам перезвоним.",
        "thanks": "Спасибо. До свидания.",
        "not_in_service": "Этот номер не обслуживается. До свидания.",
    },
}


def text(locale: str, key: str, **values) -> str:
    return TEXTS.get(locale, TEXTS["en"])[key].format(**values)


# "{day} from {time}": the day as the caller's language says "on Monday" (Polish and Russian decline the weekday).
DAYS = {
    "en": {"today": "today", "tomorrow": "tomorrow", "weekdays": ("on Monday", "on Tuesday", "on Wednesday",
           "on Thursday", "on Friday", "on Saturday", "on Sunday"), "date": "on {date}", "at": "{day} from {time}"},
    "pl": {"today": "dziś", "tomorrow": "jutro", "weekdays": ("w poniedziałek", "we wtorek", "w środę",
           "w czwartek", "w piątek", "w sobotę", "w niedzielę"), "date": "{date}", "at": "{day} od {time}"},
    "ru": {"today": "сегодня", "tomorrow": "завтра", "weekdays": ("в понедельник", "во вторник", "в среду",
           "в четверг", "в пятницу", "в субботу", "в воскресенье"), "date": "{date}", "at": "{day} с {time}"},
}


def reopening(locale: str, opens_at: datetime, now: datetime) -> str:
    """When the line opens again, as spoken: "w poniedziałek od 9:00", "tomorrow from 8:30", "2 января с 9:00".
    ``opens_at`` is in the program's timezone."""
    words = DAYS.get(locale, DAYS["en"])
    days_ahead = (opens_at.date() - now.astimezone(opens_at.tzinfo).date()).days
    if days_ahead == 0:
        day = words["today"]
    elif days_ahead == 1:
        day = words["tomorrow"]
    elif days_ahead < 7:
        day = words["weekdays"][opens_at.weekday()]
    else:
        day = words["date"].format(date=format_date(opens_at.date(), "d MMMM", locale=locale if locale in DAYS
                                                    else "en"))
    return words["at"].format(day=day, time=f"{opens_at.hour}:{opens_at.minute:02d}")


def closed_message(locale: str, opens_at: datetime | None, now: datetime) -> str:
    if opens_at is None:
        return text(locale, "closed")
    return text(locale, "closed_until", when=reopening(locale, opens_at, now))
