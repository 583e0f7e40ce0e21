import pytest

from helpdesk.cases.models import Case, CaseEvent, Channel, Status
from helpdesk.cases.services import update_case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.signals import text_received
from helpdesk.telephony import sms
from helpdesk.telephony.models import Message
from helpdesk.telephony.sms import FILING_RETRY, MAX_BODY, MAX_FILING_ATTEMPTS, TRUNCATED
from tests.conftest import csrf_token, login
from tests.telephony.conftest import sid, signed_post


def text(client, hotline, body, from_number="+48601234567", message_sid=None):
    params = {"MessageSid": message_sid or sid("SM"), "From": from_number, "To": hotline.hotline_number,
              "Body": body}
    return signed_post(client, "/twilio/sms/incoming", params)


def sms_cases():
    return db.session.query(Case).filter_by(channel=Channel.SMS).all()


def test_a_text_opens_an_sms_case_and_the_next_one_joins_it(client, hotline, caller):
    response = text(client, hotline, "Where is my blender?")
    assert response.status_code == 200 and response.get_data(as_text=True).endswith("<Response />")
    text(client, hotline, "It was ordered in May.")
    (case,) = sms_cases()
    assert case.participant == caller and case.subject == "SMS: Where is my blender?"
    assert db.session.query(CaseEvent).filter_by(case_id=case.id, kind="sms_in").count() == 2


def test_a_redelivered_text_is_stored_once(client, hotline, caller):
    message_sid = sid("SM")
    for _ in range(3):
        assert text(client, hotline, "Hello", message_sid=message_sid).status_code == 200
    assert db.session.query(Message).filter_by(direction="inbound").count() == 1
    assert db.session.query(CaseEvent).filter_by(kind="sms_in").count() == 1


def test_the_text_is_filed_before_the_answer(client, hotline, caller):
    response = text(client, hotline, "Hello?")
    assert response.status_code == 200
    (message,) = db.session.query(Message).filter_by(direction="inbound").all()
    assert message.case_id == sms_cases()[0].id and message.next_attempt_at is None


@pytest.fixture
def filing_fails():
    def broken(message):
        if message.body != "fine":
            raise RuntimeError("the survey module is broken")

    with text_received.connected_to(broken):
        yield


def test_a_text_whose_filing_failed_is_kept_and_filed_by_the_worker(client, hotline, caller, caplog):
    with text_received.connected_to(lambda message: 1 / 0):
        assert text(client, hotline, "Where is my parcel?").status_code == 200
    assert "filing the text" in caplog.text and sms_cases() == []
    (message,) = db.session.query(Message).all()
    assert message.body == "Where is my parcel?" and message.attempts == 1 and message.status == "received"
    assert sms.file_due_messages() == 0  # not before its retry is due
    assert sms.file_due_messages(utcnow() + FILING_RETRY) == 1
    assert len(sms_cases()) == 1 and db.session.query(CaseEvent).filter_by(kind="sms_in").count() == 1
    assert sms.file_due_messages(utcnow() + FILING_RETRY) == 0


def test_a_text_that_cannot_be_filed_is_parked_for_an_admin_after_five_attempts(client, hotline, caller,
                                                                                filing_fails):
    text(client, hotline, "poison")
    text(client, hotline, "fine")
    for attempt in range(2, MAX_FILING_ATTEMPTS + 2):
        sms.file_due_messages(utcnow() + FILING_RETRY * attempt)
    poison = db.session.query(Message).filter_by(body="poison").one()
    assert poison.status == "failed" and poison.attempts == MAX_FILING_ATTEMPTS
    assert poison.next_attempt_at is None and "RuntimeError" in poison.error_message
    assert [event.body for event in db.session.query(CaseEvent).filter_by(kind="sms_in")] == ["fine"]


def test_a_redelivery_files_a_text_whose_filing_failed(client, hotline, caller):
    message_sid = sid("SM")
    with text_received.connected_to(lambda message: 1 / 0):
        text(client, hotline, "Hello", message_sid=message_sid)
    text(client, hotline, "Hello", message_sid=message_sid)
    text(client, hotline, "Hello", message_sid=message_sid)
    assert db.session.query(CaseEvent).filter_by(kind="sms_in").count() == 1


@pytest.mark.parametrize("field", ["From", "Body", "To", "MessageSid"])
def test_a_text_with_nul_bytes_is_stored_without_them(client, hotline, caller, field):
    params = {"MessageSid": sid("SM"), "From": caller.phone, "To": hotline.hotline_number, "Body": "Hi"}
    params[field] = params[field][:3] + "\x00" + params[field][3:]
    assert signed_post(client, "/twilio/sms/incoming", params).status_code == 200
    (message,) = db.session.query(Message).filter_by(direction="inbound").all()
    assert "\x00" not in message.body + message.from_number + message.message_sid
    assert message.case_id is not None


def test_a_delivery_report_with_a_huge_error_code_is_taken_without_it(client, hotline, caller):
    message = Message(program=hotline, direction="outbound", from_number=hotline.hotline_number,
                      to_number=caller.phone, body="Hi", status="sent", message_sid=sid("SM"))
    db.session.add(message)
    db.session.commit()
    response = signed_post(client, "/twilio/sms/status", {"MessageSid": message.message_sid,
                                                          "MessageStatus": "failed", "ErrorCode": "9" * 30})
    assert response.status_code == 204
    db.session.refresh(message)
    assert message.status == "failed" and message.error_code is None


def test_a_reply_to_a_case_waiting_for_the_participant_reopens_it(client, make, hotline, caller):
    case = make.case(hotline, participant=caller, channel="sms")
    update_case(case, actor=make.SYSTEM, status="pending_participant")
    text(client, hotline, "Here is the photo you asked for")
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == Status.OPEN


@pytest.mark.parametrize("word", ["STOP", "stop", "Stop.", "UNSUBSCRIBE", "quit", "СТОП", "стоп", "KONIEC",
                                  "Wypisz", "отписаться", "  STOP  "])
def test_an_opt_out_word_alone_opts_the_participant_out(client, hotline, caller, word):
    text(client, hotline, word)
    db.session.refresh(caller)
    assert caller.sms_opt_out and sms_cases() == []


@pytest.mark.parametrize("body", ["STOP please", "stop sending me parcels? no, where is it", "STOPPED"])
def test_opt_out_words_inside_a_sentence_are_an_ordinary_message(client, hotline, caller, body):
    text(client, hotline, body)
    db.session.refresh(caller)
    assert not caller.sms_opt_out and len(sms_cases()) == 1


def test_start_opts_the_participant_back_in(client, hotline, caller):
    text(client, hotline, "STOP")
    text(client, hotline, "START")
    db.session.refresh(caller)
    assert not caller.sms_opt_out


def test_texts_from_an_unknown_number_share_one_case_without_participant(client, hotline):
    text(client, hotline, "Hi, I lost my card", from_number="+48 700 100 200")
    text(client, hotline, "My number is 1234", from_number="+48700100200")
    (case,) = sms_cases()
    assert case.participant_id is None


@pytest.mark.parametrize("sender", ["anonymous", "", "1" * 30, "<script>"])
def test_garbage_senders_get_a_valid_answer(client, hotline, sender):
    assert text(client, hotline, "hello", from_number=sender).status_code == 200


def test_an_unknown_hotline_number_or_missing_fields_answer_without_storing(client, hotline):
    assert text(client, hotline, "hi").status_code == 200  # sanity: a good one is stored
    assert signed_post(client, "/twilio/sms/incoming", {"From": "+48601234567", "To": "+48229999999",
                                                        "MessageSid": sid("SM"), "Body": "x"}).status_code == 200
    assert signed_post(client, "/twilio/sms/incoming", {}).status_code == 200
    assert db.session.query(Message).filter_by(direction="inbound").count() == 1


def test_a_huge_text_is_kept_up_to_the_limit_with_a_mark(client, hotline, caller):
    text(client, hotline, "ż" * 20_000)
    stored = db.session.query(Message).filter_by(direction="inbound").one().body
    assert len(stored) == MAX_BODY and stored.endswith(TRUNCATED)


def test_emoji_non_latin_and_html_are_stored_whole_and_shown_escaped(client, agent_client, make, hotline, caller,
                                                                     agent):
    agent.programs.append(hotline)
    body = "Посылка 📦 не пришла <script>alert('x')</script>"
    text(client, hotline, body)
    case = sms_cases()[0]
    assert db.session.query(Message).filter_by(direction="inbound").one().body == body
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Посылка 📦 не пришла &lt;script&gt;" in page and "<script>alert" not in page


def _outbound(make, hotline, caller, status="sent"):
    message = Message(program=hotline, participant=caller, direction="outbound", from_number=hotline.hotline_number,
                      to_number=caller.phone, body="Your parcel ships today", status=status, message_sid=sid("SM"))
    db.session.add(message)
    db.session.flush()
    return message


def test_delivery_reports_never_move_a_message_backwards(client, make, hotline, caller):
    message = _outbound(make, hotline, caller)
    for status in ("delivered", "sent", "queued", "delivered"):
        signed_post(client, "/twilio/sms/status", {"MessageSid": message.message_sid, "MessageStatus": status})
    db.session.refresh(message)
    assert message.status == "delivered"


def test_an_undelivered_report_with_21610_opts_the_participant_out(client, make, hotline, caller):
    message = _outbound(make, hotline, caller)
    signed_post(client, "/twilio/sms/status", {"MessageSid": message.message_sid, "MessageStatus": "undelivered",
                                               "ErrorCode": "21610"})
    db.session.refresh(message)
    db.session.refresh(caller)
    assert (message.status, message.error_code, caller.sms_opt_out) == ("undelivered", 21610, True)


def test_an_admin_sees_parked_texts_escaped_and_has_them_filed_again(client, make, hotline, caller):
    with text_received.connected_to(lambda message: 1 / 0):
        text(client, hotline, "<b>poison</b>")
        for attempt in range(2, MAX_FILING_ATTEMPTS + 1):
            sms.file_due_messages(utcnow() + FILING_RETRY * attempt)
    login(client, make.user(role="admin"))
    page = client.get("/attention").get_data(as_text=True)
    assert "&lt;b&gt;poison&lt;/b&gt;" in page and "ZeroDivisionError" in page
    (parked,) = db.session.query(Message).filter_by(status="failed").all()
    response = client.post(f"/attention/texts/{parked.id}/retry", data={"csrf_token": csrf_token(client, "/attention")})
    assert response.status_code == 302
    assert sms.file_due_messages() == 1
    assert [event.body for event in db.session.query(CaseEvent).filter_by(kind="sms_in")] == ["<b>poison</b>"]


def test_agents_do_not_see_parked_texts(agent_client):
    assert agent_client.get("/attention").status_code == 403
