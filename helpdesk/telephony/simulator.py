"""The phone simulator: requests shaped and signed like Twilio's, sent in-process to our own webhooks."""

import uuid
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.telephony.lookup import e164_or_raw
from helpdesk.telephony.models import Message
from helpdesk.telephony.signatures import sign

ACTIONS = [("call", "Call and press the key"), ("answer", "An agent answers"), ("no_answer", "Nobody answers"),
           ("voicemail", "Leave a voicemail"), ("hang_up", "Hang up"), ("text", "Send the text")]
REPLIES_SHOWN = 20


@dataclass
class Exchange:
    path: str
    params: dict
    status: int
    body: str


def _post(path: str, params: dict) -> Exchange:
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    signature = sign(base + path, params)
    response = current_app.test_client().post(path, data=params, base_url=base, buffered=True,  # closed as
                                              headers={"X-Twilio-Signature": signature})  # a server would
    return Exchange(path, params, response.status_code, response.get_data(as_text=True))


def run(action: str, form, session) -> list[Exchange]:
    """Play one step of a call or a text; the call in progress is remembered in the user's session."""
    program = db.session.scalar(select(Program).where(Program.code == form.program.data))
    caller = {"From": form.from_number.data.strip(), "To": program.hotline_number if program else ""}
    if action == "text":
        return [_post("/twilio/sms/incoming", {**caller, "MessageSid": f"SMsim{uuid.uuid4().hex}",
                                              "Body": form.body.data or "", "NumMedia": "0"})]
    if action == "call":
        session["simulated_call"] = f"CAsim{uuid.uuid4().hex}"
    call = {**caller, "CallSid": session.get("simulated_call", "CAsim-none")}
    steps = {
        "call": [("/twilio/voice/incoming", {"CallStatus": "ringing"}),
                 ("/twilio/voice/menu", {"Digits": form.digits.data, "CallStatus": "in-progress"})],
        "answer": [("/twilio/voice/dial-result", {"DialCallStatus": "completed"})],
        "no_answer": [("/twilio/voice/dial-result", {"DialCallStatus": "no-answer"})],
        "voicemail": [("/twilio/voice/recorded", {"RecordingSid": f"REsim{call['CallSid'][5:]}"}),
                      ("/twilio/voice/recording", {"RecordingSid": f"REsim{call['CallSid'][5:]}",
                                                   "RecordingUrl": "https://api.twilio.com/simulated-recording",
                                                   "RecordingDuration": "12", "RecordingStatus": "completed"}),
                      ("/twilio/voice/transcription", {"TranscriptionText": form.transcription.data or "",
                                                       "TranscriptionStatus": "completed"})],
        "hang_up": [("/twilio/voice/status", {"CallStatus": "completed", "CallDuration": "42"})],
    }
    return [_post(path, {**call, **params}) for path, params in steps.get(action, [])]


def replies_to(number: str) -> list[Message]:
    """What the hotline texted back to the simulated phone, newest first."""
    number = e164_or_raw(number)
    return list(db.session.scalars(select(Message).where(Message.to_number == number)
                                   .order_by(Message.id.desc()).limit(REPLIES_SHOWN)))
