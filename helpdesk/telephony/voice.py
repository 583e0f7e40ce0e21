"""Inbound calls: log each call once by its CallSid, put it on a case, and decide what the caller hears."""

from sqlalchemy import select

from helpdesk.actors import SystemActor, can_access
from helpdesk.auth.models import User
from helpdesk.cases.models import Category, Channel
from helpdesk.cases.services import log_activity, open_case
from helpdesk.database import insert_or_ignore, lock_row, utcnow
from helpdesk.extensions import db
from helpdesk.programs.business_hours import is_open_at, next_opening, special_hours
from helpdesk.signals import call_changed
from helpdesk.telephony import twiml
from helpdesk.telephony.lookup import e164_or_raw, hotline_and_caller, latest_open_case
from helpdesk.telephony.menu import KEY_ORDER, menu_option, menu_words, phone_menu
from helpdesk.telephony.models import FINAL_CALL_STATUSES, Call, CallOutcome, MenuAction, TelephonyEvent
from helpdesk.telephony.texts import closed_message, text
from helpdesk.validation import MAX_ID

HOTLINE = SystemActor("Hotline")
RECORDINGS_AT = "https://api.twilio.com/"  # a recording's address comes from Twilio's API, or is not kept
MAX_TRANSCRIPTION = 10_000  # characters; a two-minute voicemail's words are far fewer
SUBJECTS = {Category.REWARD_DELIVERY: "Phone call: reward delivery", Category.POINTS: "Phone call: points and account",
            Category.REDEMPTION: "Phone call: redemption", Category.ACCOUNT: "Phone call: account",
            Category.COMPLAINT: "Phone call: complaint", Category.CODE_NOT_ACCEPTED: "Phone call: code not accepted",
            Category.OTHER: "Phone call"}


def receive_call(form) -> str:
    """``/voice/incoming``: log the call once by its CallSid, and answer with the greeting and the menu (or
    "not in service" for a number that is no program's hotline)."""
    number = e164_or_raw(form.get("From"))
    found = hotline_and_caller(form.get("To"), number)
    if found is None or not form.get("CallSid"):
        return twiml.goodbye("en", "not_in_service")
    _log_call(form, found, number)
    locale = found.participant_locale or found.locale
    menu = menu_words(phone_menu(found.program_id), locale)
    return twiml.greeting_and_menu(found.name, found.greetings, locale, menu)


def _log_call(form, found, number: str) -> None:
    """Write the call once: a redelivered CallSid (or a second logger of the same call) changes nothing."""
    logged = db.session.connection().execute(insert_or_ignore(Call, Call.call_sid).returning(Call.id), {
        "call_sid": form["CallSid"][:64], "program_id": found.program_id, "participant_id": found.participant_id,
        "from_number": number, "to_number": found.hotline_number,
        "status": (form.get("CallStatus") or "ringing")[:16], "started_at": utcnow()}).scalar_one_or_none()
    if logged is not None:
        call_changed.send(found.program_id, call_id=logged)


def _changed(call: Call) -> None:
    call_changed.send(call.program_id, call_id=call.id)


def find_call(form) -> Call | None:
    """The call a webhook is about, by its CallSid, locked until the webhook's transaction ends: concurrent
    webhooks of one call (a redelivered menu choice, a status callback) decide one after the other, so each
    change is written once. A call whose first webhook never reached us is logged now."""
    sid = (form.get("CallSid") or "")[:64]
    if not sid:
        return None
    call = lock_row(Call, Call.call_sid == sid)
    if call is None:
        number = e164_or_raw(form.get("From"))
        if (found := hotline_and_caller(form.get("To"), number)) is None:
            return None
        _log_call(form, found, number)
        call = lock_row(Call, Call.call_sid == sid)
    return call


def caller_locale(call: Call) -> str:
    return call.participant.locale if call.participant else call.program.locale


def choose_from_menu(form) -> str:
    """``/voice/menu``: the key pressed picks the program's menu option (another key or none: an agent, Other), which
    files the call on a case of its category; then agents, or voicemail (chosen, or the line is closed or unstaffed).
    A redelivered choice is answered the same way."""
    call = find_call(form)
    if call is None:
        return twiml.goodbye("en", "not_in_service")
    first = call.menu_choice is None
    if first:
        key = (form.get("Digits") or "")[:1]
        call.menu_choice = key if key in KEY_ORDER else ""  # as pressed, known to the menu or not
        if call.ended_at is None:
            call.status = "in-progress"
    option = menu_option(call.program_id, call.menu_choice)
    if first:
        if call.case is None:  # else its hang-up, reported first, has put it on a case already
            attach_to_case(call, option.category, option.category_value)
        _changed(call)
    program, locale, now = call.program, caller_locale(call), utcnow()
    if option.action == MenuAction.VOICEMAIL:
        return twiml.voicemail(locale, text(locale, "leave_message"))
    hours, special = program.business_hours or {}, special_hours(program.special_days)
    if not is_open_at(now, hours, program.timezone, special):
        opens_at = next_opening(now, hours, program.timezone, special)
        return twiml.voicemail(locale, closed_message(locale, opens_at, now))
    if not program.on_duty_numbers:
        return twiml.voicemail(locale)
    return twiml.connect_to_agents(locale, program.on_duty_numbers, caller_id=program.hotline_number)


def attach_to_case(call: Call, category: Category = Category.OTHER, chosen: str | None = None) -> None:
    """The participant's open case of ``category``, or a new phone case (also for unknown callers) of the
    category ``chosen`` in the menu (helpdesk.cases.categories: maybe the program's own, reported as ``category``)."""
    case = latest_open_case(call.participant_id, category=category) if call.participant_id else None
    if case is None:
        case = open_case(call.program, participant=call.participant, channel=Channel.PHONE,
                         category=chosen or category, subject=SUBJECTS[category],
                         description=f"Call from {call.from_number}", actor=HOTLINE)
    call.case = case
    log_activity(case, TelephonyEvent.CALL, actor=HOTLINE, call_id=call.id, from_number=call.from_number,
                 menu_choice=call.menu_choice)


def agent_answered(form) -> str:
    """``/voice/answered`` (the dialled numbers' ``url``): an on-duty phone picked the call up. Twilio asks this
    about the new leg (``ParentCallSid`` names the caller's call, ``To`` the phone) before connecting them, so
    agents see who answered while the call goes on. The first phone to answer has it."""
    parent = (form.get("ParentCallSid") or "")[:64]
    call = lock_row(Call, Call.call_sid == parent) if parent else None
    if call is not None and call.outcome is None:
        number = e164_or_raw(form.get("To"))[:32]
        call.outcome, call.answered_number = CallOutcome.ANSWERED, number
        if call.ended_at is None:
            call.status = "in-progress"
        call.agent = call.agent or _agent_with_phone(number, call.program_id)
        _answered(call)
    return twiml.connect_answered()


def _agent_with_phone(number: str, program_id: int) -> User | None:
    users = db.session.scalars(select(User).where(User.phone == number, User.active).order_by(User.id))
    return next((user for user in users if can_access(user, program_id)), None)


def _answered(call: Call) -> None:
    if call.case is None:  # its menu choice never reached us
        attach_to_case(call)
    log_activity(call.case, TelephonyEvent.CALL_ANSWERED, actor=HOTLINE, responds=True, call_id=call.id,
                 agent_name=call.agent.name if call.agent else None)
    _changed(call)


def dial_result(form) -> str:
    """``/voice/dial-result``: an agent answered (the call is done) or nobody did (voicemail)."""
    call = find_call(form)
    if call is None:
        return twiml.goodbye("en", "not_in_service")
    if form.get("DialCallStatus") == "completed":
        if call.outcome is None:  # answered, but who did was never said (the answering phone's request is lost)
            call.outcome = CallOutcome.ANSWERED
            _answered(call)
        return twiml.goodbye(caller_locale(call))
    return twiml.voicemail(caller_locale(call))


def voicemail_left(form) -> str:
    """``/voice/recorded``: the caller finished their message."""
    call = find_call(form)
    if call is not None and call.outcome is None:
        call.outcome = CallOutcome.VOICEMAIL
        _changed(call)
    return twiml.goodbye(caller_locale(call) if call else "en")


def recording_ready(form) -> None:
    """Recording status callback: keep the recording's address once, and put it on the case."""
    call = find_call(form)
    sid = (form.get("RecordingSid") or "")[:64]
    if call is None or not sid or call.recording_sid == sid or form.get("RecordingStatus", "completed") != "completed":
        return
    url = form.get("RecordingUrl") or ""
    call.recording_sid, call.recording_url = sid, url[:500] if url.startswith(RECORDINGS_AT) else None
    call.recording_duration = _int(form.get("RecordingDuration"))
    call.outcome = CallOutcome.VOICEMAIL
    _changed(call)
    if call.case is not None:
        log_activity(call.case, TelephonyEvent.VOICEMAIL, actor=HOTLINE, call_id=call.id,
                     recording_url=call.recording_url, duration=call.recording_duration)


def transcription_ready(form) -> None:
    call = find_call(form)
    text = form.get("TranscriptionText")
    if call is None or call.transcription is not None or form.get("TranscriptionStatus") != "completed" or not text:
        return
    call.transcription = text[:MAX_TRANSCRIPTION]
    if call.case is not None:
        log_activity(call.case, TelephonyEvent.TRANSCRIPTION, actor=HOTLINE, body=call.transcription, call_id=call.id)


def call_status(form) -> None:
    """Status callback: the call ended. A call that never reached the menu still lands on a case."""
    call = find_call(form)
    status = (form.get("CallStatus") or "")[:16]
    if call is None or not status or call.ended_at is not None:
        return
    call.status = status
    _changed(call)
    if status not in FINAL_CALL_STATUSES:
        return
    call.ended_at, call.duration = utcnow(), _int(form.get("CallDuration"))
    call.outcome = call.outcome or CallOutcome.MISSED
    if call.case is None:
        attach_to_case(call)
    log_activity(call.case, TelephonyEvent.CALL_ENDED, actor=HOTLINE, call_id=call.id, outcome=call.outcome,
                 duration=call.duration)


def _int(value) -> int | None:
    """A count Twilio sent (seconds), or None when it is no number or none a column can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= MAX_ID else None
