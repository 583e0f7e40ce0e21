"""What callers hear, in their language. Programs may replace the greeting per locale in their settings."""

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
        "thanks": "Dziękujemy. Do widzenia.",
        "not_in_service": "Ten numer jest nieaktywny. Do widzenia.",
    },
    "ru": {
        "greeting": "Здравствуйте, спасибо за звонок на горячую линию {program}.",
        "menu": "По доставке награды нажмите 1. По баллам и аккаунту нажмите 2. По другим вопросам нажмите 0.",
        "connecting": "Пожалуйста, оставайтесь на линии, соединяем с оператором.",
        "voicemail": "Сейчас никто не может ответить. Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "closed": "Горячая линия сейчас не работает. Оставьте сообщение после сигнала, и мы вам перезвоним.",
        "thanks": "Спасибо. До свидания.",
        "not_in_service": "Этот номер не обслуживается. До свидания.",
    },
}


def text(locale: str, key: str, **values) -> str:
    return TEXTS.get(locale, TEXTS["en"])[key].format(**values)
