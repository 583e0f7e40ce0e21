"""Twilio's webhooks: signed form POSTs. Each view parses, calls one service, commits, and answers TwiML.

A redelivered request finds its Sid already stored and changes nothing; two deliveries racing each other
meet the unique index, and the loser runs again as the redelivery it is.
"""

from flask import Response, request
from sqlalchemy.exc import IntegrityError

from helpdesk.extensions import db
from helpdesk.telephony import sms, twiml, voice, webhooks_bp
from helpdesk.telephony.signatures import twilio_signed


def _twiml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _run(service) -> Response:
    try:
        answer = service(request.form)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        answer = service(request.form)
        db.session.commit()
    if answer is None:
        return Response(status=204)
    return _twiml(answer)


def _receive_sms(form) -> str:
    sms.receive_sms(form)
    return twiml.empty_messaging()  # no automatic reply: an agent answers from the case


# endpoint (used in the TwiML's action URLs as "twilio.<endpoint>"), path, service(form) -> TwiML or None
WEBHOOKS = [
    ("voice_incoming", "/voice/incoming", voice.receive_call),
    ("voice_menu", "/voice/menu", voice.choose_from_menu),
    ("voice_dial_result", "/voice/dial-result", voice.dial_result),
    ("voice_recorded", "/voice/recorded", voice.voicemail_left),
    ("voice_recording", "/voice/recording", voice.recording_ready),
    ("voice_transcription", "/voice/transcription", voice.transcription_ready),
    ("voice_status", "/voice/status", voice.call_status),
    ("sms_incoming", "/sms/incoming", _receive_sms),
    ("sms_status", "/sms/status", sms.record_delivery_status),
]


def _webhook(service):
    return twilio_signed(lambda: _run(service))


for _endpoint, _path, _service in WEBHOOKS:
    webhooks_bp.add_url_rule(_path, _endpoint, _webhook(_service), methods=["POST"])
