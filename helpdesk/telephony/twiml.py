"""TwiML answers for the hotline, built with the twilio SDK."""

from flask import url_for
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from helpdesk.telephony.texts import VOICE, VOICE_LANGUAGE, greeting, text

MENU_TIMEOUT = 6
DIAL_TIMEOUT = 20
VOICEMAIL_SECONDS = 120


def _say(response: VoiceResponse, locale: str, words: str) -> None:
    locale = locale if locale in VOICE_LANGUAGE else "en"
    response.say(words, language=VOICE_LANGUAGE[locale], voice=VOICE[locale])


def _url(endpoint: str) -> str:
    return url_for(endpoint)


def greeting_and_menu(program_name: str, greetings: dict | None, locale: str, menu: str) -> str:
    """The greeting, then ``menu`` (the options' words), while one key is awaited."""
    menu_url = _url("twilio.voice_menu")
    response = VoiceResponse()
    with response.gather(num_digits=1, action=menu_url, method="POST", timeout=MENU_TIMEOUT) as gather:
        _say(gather, locale, greeting(program_name, greetings, locale))
        _say(gather, locale, menu)
    response.redirect(menu_url, method="POST")  # no key pressed: to an agent
    return str(response)


def connect_to_agents(locale: str, numbers: list[str], caller_id: str) -> str:
    response = VoiceResponse()
    _say(response, locale, text(locale, "connecting"))
    dial = response.dial(action=_url("twilio.voice_dial_result"), method="POST", timeout=DIAL_TIMEOUT,
                         caller_id=caller_id)
    answered = _url("twilio.voice_answered")  # asked when a phone picks up: who answered, before they talk
    for number in numbers:
        dial.number(number, url=answered, method="POST")
    return str(response)


def connect_answered() -> str:
    """The answering phone's TwiML: nothing to play, connect it to the caller."""
    return str(VoiceResponse())


def voicemail(locale: str, message: str | None = None) -> str:
    """The caller leaves a message after ``message`` (by default: nobody can take the call now)."""
    response = VoiceResponse()
    _say(response, locale, message or text(locale, "voicemail"))
    response.record(max_length=VOICEMAIL_SECONDS, play_beep=True, action=_url("twilio.voice_recorded"),
                    method="POST", recording_status_callback=_url("twilio.voice_recording"),
                    recording_status_callback_method="POST", transcribe=True,
                    transcribe_callback=_url("twilio.voice_transcription"))
    _say(response, locale, text(locale, "thanks"))
    return str(response)


def goodbye(locale: str, key: str = "thanks") -> str:
    response = VoiceResponse()
    _say(response, locale, text(locale, key))
    response.hangup()
    return str(response)


def empty_messaging() -> str:
    return str(MessagingResponse())
