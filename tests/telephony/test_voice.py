from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from helpdesk.cases.categories import add_category
from helpdesk.cases.models import Case, CaseEvent, Category, Channel
from helpdesk.extensions import db
from helpdesk.programs.models import WEEKDAYS
from helpdesk.programs.special_days import add_special_days
from helpdesk.telephony.menu import remove_menu_option, save_menu_option
from helpdesk.telephony.models import Call
from tests.conftest import login
from tests.factories import SYSTEM
from tests.telephony.conftest import sid, signed_post


def call(client, hotline, from_number="+48601234567", call_sid=None):
    params = {"CallSid": call_sid or sid("CA"), "From": from_number, "To": hotline.hotline_number,
              "CallStatus": "ringing"}
    return params, signed_post(client, "/twilio/voice/incoming", params)


def press(client, params, digits):
    return signed_post(client, "/twilio/voice/menu", {**params, "Digits": digits})


def kinds(case):
    return [e.kind for e in db.session.query(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id)]


def test_a_known_caller_is_greeted_in_their_language_with_the_menu(client, hotline, caller):
    _, response = call(client, hotline)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert '<Gather action="/twilio/voice/menu"' in body and 'language="pl-PL"' in body
    assert db.session.query(Call).one().participant == caller


@pytest.mark.parametrize(("locale", "language", "voice"), [
    ("pl", "pl-PL", "Polly.Ewa"), ("ru", "ru-RU", "Polly.Tatyana"), ("en", "en-US", "Polly.Joanna")])
def test_callers_hear_a_voice_that_speaks_their_language(client, hotline, make, locale, language, voice):
    make.participant(hotline, phone="+48601999888", locale=locale)
    params = {"CallSid": sid("CA"), "From": "+48601999888", "To": hotline.hotline_number, "CallStatus": "ringing"}
    body = signed_post(client, "/twilio/voice/incoming", params).get_data(as_text=True)
    assert f'<Say language="{language}" voice="{voice}">' in body


def test_an_incoming_call_reads_its_program_caller_and_menu_in_two_queries(client, hotline, caller):
    selects = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().startswith("SELECT") and "FROM" in statement.split():  # not PostgreSQL's NOTIFY
            selects.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call(client, hotline)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(selects) == 2 and "phone_menu_options" in selects[1]


def test_the_call_is_logged_with_the_greeting(client, hotline, caller):
    params = {"CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number, "CallStatus": "ringing"}
    response = signed_post(client, "/twilio/voice/incoming", params)
    assert "<Gather" in response.get_data(as_text=True)
    assert db.session.query(Call).one().call_sid == params["CallSid"]


@pytest.mark.parametrize("field", ["CallDuration", "RecordingDuration"])
def test_numbers_too_large_for_a_column_are_dropped_not_a_500(client, hotline, caller, field):
    params = {"CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number}
    signed_post(client, "/twilio/voice/recording", {**params, "RecordingSid": sid("RE"), field: "9" * 40})
    response = signed_post(client, "/twilio/voice/status", {**params, "CallStatus": "completed", field: "9" * 40})
    assert response.status_code == 204
    assert db.session.query(Call).one().duration is None


def test_a_call_whose_first_webhook_never_arrived_is_logged_by_its_next_webhook(client, hotline, caller):
    params = {"CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number}
    response = press(client, {**params, "CallStatus": "in-progress"}, "2")
    assert "<Dial" in response.get_data(as_text=True)
    phone_call = db.session.query(Call).one()
    assert (phone_call.participant, phone_call.menu_choice) == (caller, "2")
    assert phone_call.case.category == Category.POINTS and "call" in kinds(phone_call.case)


def test_a_hang_up_reported_for_a_call_never_logged_still_lands_on_a_case(client, hotline, caller):
    params = {"CallSid": sid("CA"), "From": caller.phone, "To": hotline.hotline_number}
    signed_post(client, "/twilio/voice/status", {**params, "CallStatus": "completed", "CallDuration": "3"})
    phone_call = db.session.query(Call).one()
    assert (phone_call.outcome, phone_call.duration, phone_call.participant) == ("missed", 3, caller)
    assert kinds(phone_call.case).count("call_ended") == 1


def test_pressing_1_puts_the_call_on_the_callers_open_delivery_case(client, make, hotline, caller):
    existing = make.case(hotline, participant=caller, category="reward_delivery")
    params, _ = call(client, hotline)
    response = press(client, params, "1")
    assert "<Dial" in response.get_data(as_text=True) and "+48601000001" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Call).one().case_id == existing.id
    assert "call" in kinds(existing)


def test_pressing_2_opens_a_new_phone_case_when_none_is_open(client, hotline, caller):
    params, _ = call(client, hotline)
    press(client, params, "2")
    case = db.session.query(Case).filter_by(participant_id=caller.id).one()
    assert (case.channel, case.category) == (Channel.PHONE, Category.POINTS)


def test_a_redelivered_call_and_menu_change_nothing_the_second_time(client, hotline, caller):
    params, first = call(client, hotline)
    _, again = call(client, hotline, call_sid=params["CallSid"])
    press(client, params, "1")
    press(client, params, "2")
    assert first.get_data() == again.get_data()
    assert db.session.query(Call).count() == 1 and db.session.query(Case).count() == 1
    assert db.session.query(Call).one().menu_choice == "1"


def test_an_unknown_hotline_number_gets_a_polite_answer_and_nothing_is_stored(client, hotline):
    params = {"CallSid": sid("CA"), "From": "+48601234567", "To": "+48229999999"}
    response = signed_post(client, "/twilio/voice/incoming", params)
    assert response.status_code == 200 and "not in service" in response.get_data(as_text=True)
    assert db.session.query(Call).count() == 0


def test_anonymous_or_garbage_callers_still_get_a_case(client, hotline):
    for raw in ("anonymous", "1" * 30, ""):
        params, response = call(client, hotline, from_number=raw)
        assert response.status_code == 200
        press(client, params, "0")
    cases = db.session.query(Case).all()
    assert len(cases) == 3 and all(c.participant_id is None for c in cases)


def test_outside_business_hours_the_caller_leaves_a_voicemail(client, hotline, caller):
    today = datetime.now(ZoneInfo(hotline.timezone)).strftime("%a").lower()
    hotline.business_hours = {day: ["09:00-17:00"] for day in WEEKDAYS if day != today}
    params, _ = call(client, hotline)
    body = press(client, params, "1").get_data(as_text=True)
    assert "<Record" in body and "transcribe=\"true\"" in body and "<Dial" not in body


@pytest.mark.parametrize(("locale", "words"), [
    ("pl", "Infolinia jest teraz nieczynna. Zapraszamy w poniedziałek od 9:00."),
    ("ru", "Горячая линия сейчас не работает. Ждём вашего звонка в понедельник с 9:00."),
    ("en", "Our hotline is closed now. We are open again on Monday from 9:00.")])
def test_on_a_holiday_the_closed_message_says_when_the_line_opens_again_in_the_callers_language(
        client, monkeypatch, make, hotline, locale, words):
    make.participant(hotline, phone="+48601999777", locale=locale)
    hotline.business_hours = {day: ["09:00-17:00"] for day in WEEKDAYS[:5]}
    add_special_days(hotline, starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26), hours="", note="",
                     actor=SYSTEM)
    monkeypatch.setattr("helpdesk.telephony.voice.utcnow", lambda: datetime(2026, 12, 25, 11, tzinfo=UTC))  # Fri
    params, _ = call(client, hotline, from_number="+48601999777")
    body = press(client, params, "1").get_data(as_text=True)
    assert words in body and "<Record" in body and "<Dial" not in body


def test_special_hours_open_the_line_on_a_day_it_is_usually_closed(client, monkeypatch, hotline, caller):
    hotline.business_hours = {day: ["09:00-17:00"] for day in WEEKDAYS[:5]}
    add_special_days(hotline, starts_on=date(2026, 12, 19), ends_on=None, hours="10:00-14:00", note="",
                     actor=SYSTEM)
    monkeypatch.setattr("helpdesk.telephony.voice.utcnow", lambda: datetime(2026, 12, 19, 10, tzinfo=UTC))  # Sat
    params, _ = call(client, hotline)
    assert "<Dial" in press(client, params, "1").get_data(as_text=True)


def test_when_nobody_answers_the_caller_is_sent_to_voicemail(client, hotline, caller):
    params, _ = call(client, hotline)
    press(client, params, "1")
    body = signed_post(client, "/twilio/voice/dial-result", {**params, "DialCallStatus": "no-answer"}).get_data(
        as_text=True)
    assert "<Record" in body


def test_an_answered_call_is_the_first_response(client, hotline, caller):
    params, _ = call(client, hotline)
    press(client, params, "0")
    signed_post(client, "/twilio/voice/dial-result", {**params, "DialCallStatus": "completed"})
    db.session.expire_all()
    phone_call = db.session.query(Call).one()
    assert phone_call.outcome == "answered" and phone_call.case.first_response_at is not None


def test_the_voicemail_recording_and_its_words_land_on_the_case_once(client, hotline, caller):
    params, _ = call(client, hotline)
    press(client, params, "1")
    recording = {**params, "RecordingSid": sid("RE"), "RecordingUrl": "https://api.twilio.com/rec/1",
                 "RecordingDuration": "14", "RecordingStatus": "completed"}
    words = {**params, "TranscriptionText": "My parcel <b>never</b> came", "TranscriptionStatus": "completed"}
    for _ in range(2):
        assert signed_post(client, "/twilio/voice/recording", recording).status_code == 204
        assert signed_post(client, "/twilio/voice/transcription", words).status_code == 204
    db.session.expire_all()
    phone_call = db.session.query(Call).one()
    assert (phone_call.outcome, phone_call.recording_duration) == ("voicemail", 14)
    assert kinds(phone_call.case).count("voicemail") == 1 and kinds(phone_call.case).count("transcription") == 1


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)//https://api.twilio.com/",
                                 "https://api.twilio.com.evil.example/rec/1", "http://api.twilio.com/rec/1",
                                 " https://api.twilio.com/rec/1", "//evil.example/rec"])
def test_a_recording_url_not_from_twilios_api_is_not_kept_nor_shown_as_a_link(client, make, hotline, caller, url):
    params, _ = call(client, hotline)
    press(client, params, "1")
    signed_post(client, "/twilio/voice/recording", {**params, "RecordingSid": sid("RE"), "RecordingUrl": url,
                                                    "RecordingDuration": "14"})
    db.session.expire_all()
    phone_call = db.session.query(Call).one()
    assert phone_call.recording_url is None and phone_call.outcome == "voicemail"
    login(client, make.user(role="admin"))
    for page in (f"/cases/{phone_call.case_id}", "/calls"):
        body = client.get(page).get_data(as_text=True)
        assert "Voicemail (14 s)" in body or page == "/calls"
        assert "evil.example" not in body and "javascript:" not in body and 'href="http://api' not in body


def test_a_transcription_is_kept_to_10000_characters(client, hotline, caller):
    params, _ = call(client, hotline)
    press(client, params, "1")
    words = {**params, "TranscriptionText": "parcel " * 2_900, "TranscriptionStatus": "completed"}
    assert signed_post(client, "/twilio/voice/transcription", words).status_code == 204
    db.session.expire_all()
    phone_call = db.session.query(Call).one()
    assert len(phone_call.transcription) == 10_000
    event = db.session.query(CaseEvent).filter_by(case_id=phone_call.case_id, kind="transcription").one()
    assert event.body == phone_call.transcription


def test_a_caller_who_hangs_up_in_the_menu_is_a_missed_call_on_a_case(client, hotline, caller):
    params, _ = call(client, hotline)
    signed_post(client, "/twilio/voice/status", {**params, "CallStatus": "completed", "CallDuration": "7"})
    signed_post(client, "/twilio/voice/status", {**params, "CallStatus": "completed", "CallDuration": "7"})
    db.session.expire_all()
    phone_call = db.session.query(Call).one()
    assert (phone_call.outcome, phone_call.duration) == ("missed", 7)
    assert kinds(phone_call.case).count("call_ended") == 1


def test_an_english_caller_hears_the_standard_menu_when_the_program_has_none(client, make, hotline):
    make.participant(hotline, phone="+48601999666", locale="en")
    body = call(client, hotline, from_number="+48601999666")[1].get_data(as_text=True)
    assert "For a reward delivery, press 1. For points and your account, press 2. For anything else, press 0." in body


@pytest.mark.parametrize(("locale", "words"), [
    ("pl", "W sprawie kart podarunkowych prosimy wybrać 3."),
    ("ru", "По обмену баллов на награду нажмите 3."),  # none written in Russian: the category's standard words
    ("en", "For gift cards, press 3.")])
def test_a_configured_option_is_said_in_the_callers_language(client, make, hotline, locale, words):
    save_menu_option(hotline, None, new_digit="3", action="case_category", category="redemption",
                     texts={"en": "For gift cards, press 3.", "pl": "W sprawie kart podarunkowych prosimy wybrać 3."},
                     actor=SYSTEM)
    make.participant(hotline, phone="+48601999555", locale=locale)
    body = call(client, hotline, from_number="+48601999555")[1].get_data(as_text=True)
    assert words in body and body.index(words) < body.index("</Gather>")


def test_pressing_a_configured_key_files_the_call_under_its_category_and_rings_the_agents(client, hotline, caller):
    save_menu_option(hotline, None, new_digit="3", action="case_category", category="redemption",
                     texts={"en": "For gift cards, press 3."}, actor=SYSTEM)
    params, _ = call(client, hotline)
    assert "<Dial" in press(client, params, "3").get_data(as_text=True)
    phone_call = db.session.query(Call).one()
    assert (phone_call.menu_choice, phone_call.case.category) == ("3", Category.REDEMPTION)


def test_a_key_for_a_category_of_the_programs_own_files_the_call_under_it(client, hotline, caller):
    parcel = add_category(hotline, names={"en": "Damaged parcel"}, reported_as="reward_delivery", actor=SYSTEM)
    save_menu_option(hotline, None, new_digit="4", action="case_category", category=f"custom:{parcel.id}",
                     texts={"en": "For a damaged parcel, press 4."}, actor=SYSTEM)
    params, _ = call(client, hotline)
    press(client, params, "4")
    case = db.session.query(Case).one()
    assert (case.category, case.custom_category_id) == (Category.REWARD_DELIVERY, parcel.id)


def test_a_voicemail_option_records_a_message_at_once_and_still_files_the_case(client, hotline, caller):
    save_menu_option(hotline, None, new_digit="5", action="voicemail", category="complaint",
                     texts={"en": "To leave a complaint, press 5."}, actor=SYSTEM)
    params, _ = call(client, hotline)
    for _ in range(2):  # a redelivered choice is answered the same
        body = press(client, params, "5").get_data(as_text=True)
        assert "Prosimy zostawić wiadomość po sygnale, oddzwonimy." in body
        assert "<Record" in body and "<Dial" not in body
    case = db.session.query(Case).one()
    assert (case.category, case.participant) == (Category.COMPLAINT, caller)


@pytest.mark.parametrize(("digits", "stored"), [("7", "7"), ("", ""), ("*", "")])
def test_a_key_not_in_the_menu_or_none_goes_to_an_agent_under_other(client, hotline, caller, digits, stored):
    remove_menu_option(hotline, "0", actor=SYSTEM)
    params, _ = call(client, hotline)
    assert "<Dial" in press(client, params, digits).get_data(as_text=True)
    phone_call = db.session.query(Call).one()
    assert (phone_call.menu_choice, phone_call.case.category) == (stored, Category.OTHER)


def test_the_case_timeline_says_when_the_caller_pressed_no_key(client, make, hotline, caller):
    params, _ = call(client, hotline)
    press(client, params, "")
    login(client, make.user(role="admin"))
    page = client.get(f"/cases/{db.session.query(Call).one().case_id}").get_data(as_text=True)
    assert "no key pressed" in page and "pressed None" not in page
