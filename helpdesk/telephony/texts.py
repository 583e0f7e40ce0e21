"""What callers hear, in their language. Programs may replace the greeting and the menu's words per locale in their
settings."""

from datetime import datetime

from babel.dates import format_date

VOICE_LANGUAGE = {"en": "en-US", "pl": "pl-PL", "ru": "ru-RU"}
# A voice that speaks each language (Twilio's default voice reads Polish and Russian with English phonetics).
VOICE = {"en": "Polly.Joanna", "pl": "Polly.Ewa", "ru": "Polly.Tatyana"}

TEXTS = {
    "en": {
        "greeting": "Hello, and thank you for calling the {program} hotline.",
        "connecting": "Please hold, we are connecting you to an agent.",
        "voicemail": "Nobody can take your call right now. Please leave a message after the tone, and we will call "
                     "you back.",
        "closed": "Our hotline is closed now. Please leave a message after the tone, and we will call you back.",
        "closed_until": "Our hotline is closed now. We are open again {when}. Please leave a message after the tone, "
                        "and we will call you back.",
        "leave_message": "Please leave a message after the tone, and we will call you back.",
        "thanks": "Thank you. Goodbye.",
        "not_in_service": "This number is not in service. Goodbye.",
    },
    "pl": {
        "greeting": "Dzień dobry, dziękujemy za telefon na infolinię {program}.",
        "connecting": "Prosimy czekać, łączymy z konsultantem.",
        "voicemail": "W tej chwili nikt nie może odebrać. Prosimy zostawić wiadomość po sygnale, oddzwonimy.",
        "closed": "Infolinia jest teraz nieczynna. Prosimy zostawić wiadomość po sygnale, oddzwonimy.",
        "closed_until": "Infolinia jest teraz nieczynna. Zapraszamy {when}. Prosimy zostawić wiadomość po sygnale, "
                        "oddzwonimy.",
        "leave_message": "Prosimy zostawić wiadomość po sygnale, oddzwonimy.",
        "thanks": "Dziękujemy. Do widzenia.",
        "not_in_service": "Ten numer jest nieaktywny. Do widzenia.",
    },
    "ru": {
        "greeting": "Здравствуйте, спасибо за звонок на горячую линию {program}.",
        "connecting": "Пожалуйста, оставайтесь на линии, соединяем с оператором.",
        "voicemail": "Сейчас никто не может ответить. Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "closed": "Горячая линия сейчас не работает. Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "closed_until": "Горячая линия сейчас не работает. Ждём вашего звонка {when}. Оставьте сообщение после "
                        "сигнала, и мы вам перезвоним.",
        "leave_message": "Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "thanks": "Спасибо. До свидания.",
        "not_in_service": "Этот номер не обслуживается. До свидания.",
    },
}


def text(locale: str, key: str, **values) -> str:
    return TEXTS.get(locale, TEXTS["en"])[key].format(**values)


def greeting(program_name: str, greetings: dict | None, locale: str) -> str:
    """The program's own greeting in ``locale``, else the standard one."""
    return (greetings or {}).get(locale) or text(locale, "greeting", program=program_name)


# A phone menu option as callers hear it when the program wrote none in their language: by its case category
# (the "case_category" action), or by its action ("agent", "voicemail"). The standard menu (1 reward delivery,
# 2 points, 0 anything else) says these, one after the other.
OPTION_TEXTS = {
    "en": {
        "reward_delivery": "For a reward delivery, press {digit}.",
        "points": "For points and your account, press {digit}.",
        "redemption": "To redeem your points, press {digit}.",
        "account": "For your account, press {digit}.",
        "complaint": "To make a complaint, press {digit}.",
        "code_not_accepted": "If a code was not accepted, press {digit}.",
        "other": "For anything else, press {digit}.",
        "agent": "To talk to an agent, press {digit}.",
        "voicemail": "To leave us a message, press {digit}.",
    },
    "pl": {
        "reward_delivery": "W sprawie dostawy nagrody prosimy wybrać {digit}.",
        "points": "W sprawie punktów i konta: {digit}.",
        "redemption": "W sprawie wymiany punktów na nagrodę: {digit}.",
        "account": "W sprawie konta: {digit}.",
        "complaint": "Aby złożyć reklamację: {digit}.",
        "code_not_accepted": "Jeśli kod nie został przyjęty: {digit}.",
        "other": "W innej sprawie: {digit}.",
        "agent": "Aby porozmawiać z konsultantem: {digit}.",
        "voicemail": "Aby zostawić wiadomość: {digit}.",
    },
    "ru": {
        "reward_delivery": "По доставке награды нажмите {digit}.",
        "points": "По баллам и аккаунту нажмите {digit}.",
        "redemption": "По обмену баллов на награду нажмите {digit}.",
        "account": "По вопросам аккаунта нажмите {digit}.",
        "complaint": "Чтобы подать жалобу, нажмите {digit}.",
        "code_not_accepted": "Если код не был принят, нажмите {digit}.",
        "other": "По другим вопросам нажмите {digit}.",
        "agent": "Чтобы поговорить с оператором, нажмите {digit}.",
        "voicemail": "Чтобы оставить сообщение, нажмите {digit}.",
    },
}


def option_text(locale: str, key: str, digit: str) -> str | None:
    """The standard words for a menu option (``key``: a category or an action), or None for one it has none for."""
    words = OPTION_TEXTS.get(locale, {}).get(key)
    return words.format(digit=digit) if words else None


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
