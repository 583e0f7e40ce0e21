"""The texts the system sends on its own: the acknowledgement of a text that opens a case, and delivery notices;
and a reward-delivery case's survey waiting for the parcel."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from helpdesk.cases.models import Case, CaseEvent
from helpdesk.cases.services import update_case
from helpdesk.conversations.notices import reply_by
from helpdesk.conversations.settings import NOTICES, update_conversation_settings
from helpdesk.conversations.texts import TEXTS, conversation_text, opening_hours, tracking
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.models import WEEKDAYS
from helpdesk.rewards.delivery import open_delivery_case, resolve_delivery_case
from helpdesk.rewards.orders import upsert_order
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.telephony.models import Message
from helpdesk.telephony.segments import count_segments
from tests.factories import SYSTEM
from tests.rewards.conftest import order_fields
from tests.telephony.conftest import sid, signed_post


def text(client, hotline, body, from_number="+48601234567"):
    assert signed_post(client, "/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": from_number,
                                                        "To": hotline.hotline_number, "Body": body}).status_code == 200
    db.session.expire_all()


def outbox() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.direction == "outbound").order_by(Message.id)))


def settings(program, **changes):
    values = {"reopen_days": 7, "acknowledge": ["en", "pl", "ru"], "notices": list(NOTICES), "survey_wait_days": 14,
              **changes}
    update_conversation_settings(program, **values, actor=SYSTEM)
    db.session.commit()


def test_a_text_that_opens_a_case_is_acknowledged_in_the_sender_s_language_with_the_case_and_answer_time(
        client, hotline, caller):
    text(client, hotline, "Gdzie jest mój ekspres?")
    (ack,) = outbox()
    case = db.session.get(Case, ack.case_id)
    assert ack.to_number == caller.phone and ack.status == "pending"  # the worker sends it
    assert ack.body.startswith(f"Dziękujemy, sprawa {case.reference} przyjęta. Odpowiemy ")
    assert case.first_response_at is None  # an automatic text is no answer
    text(client, hotline, "To model X200")
    assert len(outbox()) == 1  # the next text joins the case: no second acknowledgement


def test_outside_business_hours_the_acknowledgement_gives_the_opening_hours(client, hotline, caller):
    today = WEEKDAYS[utcnow().astimezone(ZoneInfo(hotline.timezone)).weekday()]
    other_day = WEEKDAYS[(WEEKDAYS.index(today) + 3) % 7]
    hotline.business_hours = {other_day: ["09:00-10:00"]}  # closed all day today
    db.session.commit()
    text(client, hotline, "Hello")
    (ack,) = outbox()
    assert "Teraz nie pracujemy, godziny: " in ack.body and "09:00-10:00" in ack.body


def test_a_program_can_turn_the_acknowledgement_off_per_language(client, hotline, caller, make):
    settings(hotline, acknowledge=["en"])
    text(client, hotline, "Cześć")
    assert outbox() == []
    make.participant(hotline, phone="+48 601 999 888", locale="en")
    db.session.commit()
    text(client, hotline, "Hi", from_number="+48601999888")
    assert len(outbox()) == 1 and outbox()[0].body.startswith("Thank you, we got your message")


def test_an_unknown_number_is_acknowledged_in_the_program_s_language_and_an_opted_out_one_not(client, hotline,
                                                                                              caller):
    text(client, hotline, "Hej", from_number="+48700100200")
    assert [m.to_number for m in outbox()] == ["+48700100200"]
    caller.sms_opt_out = True
    db.session.commit()
    text(client, hotline, "I am still here")
    assert len(outbox()) == 1


@pytest.mark.parametrize("locale", list(TEXTS))
def test_acknowledgements_and_the_delivered_notice_fit_one_sms_segment(locale):
    now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    for due in (now + timedelta(hours=2), now + timedelta(days=2)):
        body = conversation_text(locale, "ack", case="AURORA-2041", due=reply_by(due, now, "Europe/Warsaw", locale))
        assert count_segments(body).segments == 1, body
    assert count_segments(conversation_text(locale, "delivered", reward="Ekspres do kawy DeLonghi")).segments == 1


def test_opening_hours_run_days_with_the_same_hours_together():
    hours = {day: ["09:00-17:00"] for day in WEEKDAYS[:5]} | {"sat": ["10:00-14:00"]}
    assert opening_hours(hours, "en") == "Mon-Fri 09:00-17:00, Sat 10:00-14:00"
    assert opening_hours(hours, "ru") == "пн-пт 09:00-17:00, сб 10:00-14:00"


def test_a_known_carrier_gets_its_tracking_page_and_others_the_bare_number():
    assert tracking("DPD", "DPD 123/4") == "https://tracktrace.dpd.com.pl/parcelDetails?p1=DPD%20123%2F4"
    assert tracking("Kurier Janek", "JX1") == "JX1"


def test_a_shipped_and_a_delivered_order_are_texted_once_each_with_the_tracking_link(make, hotline, caller):
    order, _ = upsert_order(hotline, "ORD-1", order_fields(caller, status="processing"), actor=SYSTEM, source="api")
    upsert_order(hotline, "ORD-1", order_fields(caller, status="shipped"), actor=SYSTEM, source="api")
    upsert_order(hotline, "ORD-1", order_fields(caller, status="shipped", expected_delivery="2024-05-09"),
                 actor=SYSTEM, source="api")  # no status change: no second text
    upsert_order(hotline, "ORD-1", order_fields(caller, status="delivered"), actor=SYSTEM, source="import")
    assert [m.body for m in outbox()] == [
        "Twoja nagroda Wireless headphones jest w drodze (DPD): https://tracktrace.dpd.com.pl/parcelDetails?p1=DPD123",
        "Twoja nagroda Wireless headphones dotarła. Miłego korzystania!"]


def test_notices_are_a_program_setting_and_vouchers_get_none(make, hotline, caller):
    settings(hotline, notices=["delivered"])
    upsert_order(hotline, "ORD-2", order_fields(caller, status="processing"), actor=SYSTEM, source="api")
    upsert_order(hotline, "ORD-2", order_fields(caller, status="shipped"), actor=SYSTEM, source="api")
    upsert_order(hotline, "ORD-3", order_fields(caller, status="processing", reward_type="voucher"), actor=SYSTEM,
                 source="api")
    upsert_order(hotline, "ORD-3", order_fields(caller, status="delivered", reward_type="voucher"), actor=SYSTEM,
                 source="api")
    assert outbox() == []


def test_a_recorded_reshipment_is_texted_on_the_case_with_the_new_tracking_link(make, hotline, caller):
    agent = make.user(programs=[hotline])
    order, _ = upsert_order(hotline, "ORD-4", order_fields(caller, status="lost"), actor=SYSTEM, source="api")
    case = open_delivery_case(order, issue_type="not_delivered", actor=agent)
    resolve_delivery_case(case, resolution="reshipped", tracking_number="INP-77", carrier="InPost", actor=agent)
    (notice,) = outbox()
    assert notice.case_id == case.id and notice.body == (
        "Wysłaliśmy ponownie Twoją nagrodę Wireless headphones (InPost): "
        "https://inpost.pl/sledzenie-przesylek?number=INP-77")
    assert db.session.scalar(select(CaseEvent.author_name).where(CaseEvent.kind == "sms_out")) == "Delivery notice"


@pytest.fixture
def surveys_at_once(app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_DELAY_MINUTES", 0)
    monkeypatch.setitem(app.config, "SURVEY_QUIET_HOURS", "")


def test_a_delivery_case_s_survey_waits_for_the_parcel_and_goes_once_it_is_delivered(make, hotline, caller,
                                                                                      surveys_at_once):
    agent = make.user(programs=[hotline])
    order, _ = upsert_order(hotline, "ORD-5", order_fields(caller, status="lost"), actor=SYSTEM, source="api")
    case = open_delivery_case(order, issue_type="not_delivered", actor=agent)
    resolve_delivery_case(case, resolution="reshipped", tracking_number="DPD-9", actor=agent)
    survey = db.session.scalar(select(Survey).where(Survey.case_id == case.id))
    assert survey.status == SurveyStatus.SCHEDULED
    assert survey.due_at - case.resolved_at == timedelta(days=14)  # at most the program's wait
    upsert_order(hotline, "ORD-5", order_fields(caller, status="shipped"), actor=SYSTEM, source="api")
    assert survey.due_at - case.resolved_at == timedelta(days=14)
    upsert_order(hotline, "ORD-5", order_fields(caller, status="delivered"), actor=SYSTEM, source="api")
    db.session.refresh(survey)
    assert survey.due_at <= utcnow()


def test_an_ordinary_case_s_survey_does_not_wait(make, hotline, caller, surveys_at_once):
    case = make.case(hotline, participant=caller, category="points")
    update_case(case, actor=SYSTEM, status="resolved")
    survey = db.session.scalar(select(Survey).where(Survey.case_id == case.id))
    assert survey.due_at <= utcnow() + timedelta(seconds=1)


def test_a_notice_about_an_order_with_an_open_delivery_case_shows_on_its_timeline(make, hotline, caller):
    agent = make.user(programs=[hotline])
    order, _ = upsert_order(hotline, "ORD-6", order_fields(caller, status="processing"), actor=SYSTEM, source="api")
    case = open_delivery_case(order, issue_type="late", actor=agent)
    upsert_order(hotline, "ORD-6", order_fields(caller, status="shipped"), actor=SYSTEM, source="api")
    (notice,) = outbox()
    assert notice.case_id == case.id
    assert db.session.scalar(select(CaseEvent.body).where(CaseEvent.kind == "sms_out")) == notice.body


def test_an_opted_out_participant_gets_no_notice(make, hotline, caller):
    caller.sms_opt_out = True
    upsert_order(hotline, "ORD-7", order_fields(caller, status="processing"), actor=SYSTEM, source="api")
    upsert_order(hotline, "ORD-7", order_fields(caller, status="delivered"), actor=SYSTEM, source="api")
    assert outbox() == []


def test_a_delivery_case_resolved_with_refunded_points_is_surveyed_without_waiting(make, hotline, caller,
                                                                                   surveys_at_once):
    agent = make.user(programs=[hotline])
    order, _ = upsert_order(hotline, "ORD-8", order_fields(caller, status="lost"), actor=SYSTEM, source="api")
    case = open_delivery_case(order, issue_type="not_delivered", actor=agent)
    resolve_delivery_case(case, resolution="points_refunded", refund_points=1200, actor=agent)
    survey = db.session.scalar(select(Survey).where(Survey.case_id == case.id))
    assert survey.due_at <= utcnow() + timedelta(seconds=1)
