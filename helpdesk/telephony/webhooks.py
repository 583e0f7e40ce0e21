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


@webhooks_bp.post("/voice/incoming")
@twilio_signed
def voice_incoming():
    return _run(voice.receive_call)


@webhooks_bp.post("/voice/menu")
@twilio_signed
def voice_menu():
    return _run(voice.choose_from_menu)


@webhooks_bp.post("/voice/dial-result")
@twilio_signed
def voice_dial_result():
    return _run(voice.dial_result)


@webhooks_bp.post("/voice/recorded")
@twilio_signed
def voice_recorded():
    return _run(voice.voicemail_left)


@webhooks_bp.post("/voice/recording")
@twilio_signed
def voice_recording():
    return _run(voice.recording_ready)


@webhooks_bp.post("/voice/transcription")
@twilio_signed
def voice_transcription():
    return _run(voice.transcription_ready)


@webhooks_bp.post("/voice/status")
@twilio_signed
def voice_status():
    return _run(voice.call_status)


@webhooks_bp.post("/sms/incoming")
@twilio_signed
def sms_incoming():
    return _run(_receive_sms)


def _receive_sms(form) -> str:
    sms.receive_sms(form)
    return twiml.empty_messaging()  # no automatic reply: an agent answers from the case


@webhooks_bp.post("/sms/status")
@twilio_signed
def sms_status():
    return _run(sms.record_delivery_status)
