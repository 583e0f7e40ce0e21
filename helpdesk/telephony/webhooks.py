"""Twilio's webhooks: signed form POSTs. Each view parses, calls one service, commits, and answers TwiML.

A redelivered request finds its Sid already stored and changes nothing; two requests racing each other
meet the unique index (or, on SQLite, the other's write), and the loser runs again, finding what the other
wrote. Twilio waits for the answer (and the caller hears nothing until it comes), so work the answer does
not depend on follows it (:func:`after_response`): logging a new call, filing an incoming text.
"""

import logging

from flask import Response, after_this_request, current_app, request
from sqlalchemy.exc import DBAPIError

from helpdesk.database import begin_deferred_in_this_request, lost_a_race
from helpdesk.extensions import db
from helpdesk.telephony import sms, twiml, voice, webhooks_bp
from helpdesk.telephony.signatures import twilio_signed


def _twiml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _run(service) -> Response:
    try:
        answer = service(request.form)
        db.session.commit()
    except DBAPIError as error:
        if not lost_a_race(error):
            raise
        db.session.rollback()
        answer = service(request.form)
        db.session.commit()
    if answer is None:
        return Response(status=204)
    return _twiml(answer)


log = logging.getLogger(__name__)


def after_response(work, *args) -> None:
    """Run ``work(*args)`` and commit once the answer has gone out: the server calls it when it closes the
    response, in an app context (and so a session) of its own. A failure is logged and rolled back, so the
    work must be done again by someone else then: the worker files a text left unfiled, the next webhook
    of a call logs the call."""
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                work(*args)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("%s%r failed after the response", work.__name__, args)

    @after_this_request
    def close_with_work(response: Response) -> Response:
        response.call_on_close(run)
        return response


def _receive_call(form) -> str:
    answer, call = voice.receive_call(form)
    if call is not None:
        after_response(voice.log_call, call)
    return answer


def _receive_sms(form) -> str:
    if sid := sms.receive_sms(form):
        after_response(sms.file_message, sid)  # a redelivery files it too, if that has not happened yet
    return twiml.empty_messaging()  # no automatic reply: an agent answers from the case


# endpoint (used in the TwiML's action URLs as "twilio.<endpoint>"), path, service(form) -> TwiML or None
WEBHOOKS = [
    ("voice_incoming", "/voice/incoming", _receive_call),
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


webhooks_bp.before_request(begin_deferred_in_this_request)
for _endpoint, _path, _service in WEBHOOKS:
    webhooks_bp.add_url_rule(_path, _endpoint, _webhook(_service), methods=["POST"])
