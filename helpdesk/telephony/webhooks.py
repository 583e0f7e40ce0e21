"""Twilio's webhooks: signed form POSTs. Each one cleans the form, does its work in one unit of work (log the
call, store and file the text) and answers TwiML.

A redelivered request finds its Sid already stored and changes nothing; webhooks of one call or one sender
arriving together queue on its row lock (see :func:`helpdesk.database.lock_row`), so each change is written once.
"""

from flask import Blueprint, Response, request

from helpdesk.database import unit_of_work
from helpdesk.telephony import sms, twiml, voice
from helpdesk.telephony.signatures import twilio_signed

bp = Blueprint("twilio", __name__, url_prefix="/twilio")

# Cut at the edge, whatever a field is: Twilio's longest (a text's Body, a transcription) stay under this.
MAX_FIELD = 20_000


def clean_form(form) -> dict[str, str]:
    """The signed form with NUL bytes removed (PostgreSQL refuses them in text) and every value cut short."""
    return {key[:100]: value.replace("\x00", "")[:MAX_FIELD] for key, value in form.items()}


def _receive_sms(form) -> str:
    sms.receive_sms(form)
    return twiml.empty_messaging()  # no automatic reply: an agent answers from the case


# endpoint (used in the TwiML's action URLs as "twilio.<endpoint>"), path, service(form) -> TwiML or None
WEBHOOKS = [
    ("voice_incoming", "/voice/incoming", voice.receive_call),
    ("voice_menu", "/voice/menu", voice.choose_from_menu),
    ("voice_answered", "/voice/answered", voice.agent_answered),
    ("voice_dial_result", "/voice/dial-result", voice.dial_result),
    ("voice_recorded", "/voice/recorded", voice.voicemail_left),
    ("voice_recording", "/voice/recording", voice.recording_ready),
    ("voice_transcription", "/voice/transcription", voice.transcription_ready),
    ("voice_status", "/voice/status", voice.call_status),
    ("sms_incoming", "/sms/incoming", _receive_sms),
    ("sms_status", "/sms/status", sms.record_delivery_status),
]


def _webhook(service):
    def run() -> Response:
        form = clean_form(request.form)
        with unit_of_work():
            answer = service(form)
        return Response(status=204) if answer is None else Response(answer, mimetype="text/xml")

    return twilio_signed(run)


for _endpoint, _path, _service in WEBHOOKS:
    bp.add_url_rule(_path, _endpoint, _webhook(_service), methods=["POST"])
