"""Which case a participant's text lands on, through the signed webhook: the conversation's, reopened when it
was resolved lately, never a new one while such a case exists."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.cases.merging import merge_cases
from helpdesk.cases.models import Case, CaseEvent, Channel, Status
from helpdesk.cases.services import update_case
from helpdesk.conversations.settings import update_conversation_settings
from helpdesk.extensions import db
from helpdesk.telephony.conversation import send_reply
from helpdesk.telephony.models import Message
from tests.telephony.conftest import sid, signed_post


def text(client, hotline, body, from_number="+48601234567"):
    response = signed_post(client, "/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": from_number,
                                                            "To": hotline.hotline_number, "Body": body})
    assert response.status_code == 200
    db.session.expire_all()


def case_of(body: str) -> Case:
    message = db.session.scalar(select(Message).where(Message.body == body, Message.direction == "inbound"))
    return db.session.get(Case, message.case_id)


def kinds(case) -> list[str]:
    return list(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))


@pytest.fixture
def agent(make, hotline):
    return make.user(programs=[hotline], name="Marta Kowalska")


def test_the_reply_to_an_agent_s_text_lands_on_the_case_it_came_from(client, make, hotline, caller, agent):
    older_sms_case = make.case(hotline, participant=caller, channel="sms", subject="Points question")
    phone_case = make.case(hotline, participant=caller, channel="phone", subject="Blender not delivered")
    send_reply(phone_case, "Could you send a photo of the parcel label?", actor=agent)
    text(client, hotline, "Sure, here it is")
    assert case_of("Sure, here it is").id == phone_case.id != older_sms_case.id
    assert db.session.query(Case).count() == 2


def test_a_text_follows_the_case_the_participant_last_texted(client, make, hotline, caller, agent):
    text(client, hotline, "Where is my blender?")
    first = case_of("Where is my blender?")
    send_reply(make.case(hotline, participant=caller, subject="Points"), "Your points are back", actor=agent)
    text(client, hotline, "Thanks!")
    assert case_of("Thanks!").subject == "Points" and case_of("Thanks!").id != first.id


def test_a_text_to_a_case_resolved_days_ago_reopens_it_and_marks_it_for_its_assignee(client, make, hotline, caller,
                                                                                       agent):
    case = make.case(hotline, participant=caller, channel="sms")
    send_reply(case, "Your voucher is reissued", actor=agent)
    update_case(case, actor=agent, assignee=agent, status="resolved")
    case.resolved_at -= timedelta(days=6)
    db.session.commit()
    text(client, hotline, "The new code does not work either")
    reopened = case_of("The new code does not work either")
    assert reopened.id == case.id and reopened.status == Status.OPEN and reopened.assignee == agent
    assert reopened.participant_texted_at is not None
    assert kinds(reopened)[-3:] == ["reopened_by_text", "status", "sms_in"]
    assert db.session.query(Case).count() == 1


@pytest.mark.parametrize(("resolved_days_ago", "reopen_days"), [(8, 7), (1, 0)])
def test_a_text_after_the_reopen_window_opens_a_new_case(client, make, hotline, caller, agent, resolved_days_ago,
                                                         reopen_days):
    update_conversation_settings(hotline, reopen_days=reopen_days, acknowledge=[], notices=[], survey_wait_days=14,
                                 actor=agent)
    case = make.case(hotline, participant=caller, channel="sms")
    send_reply(case, "Done!", actor=agent)
    update_case(case, actor=agent, status="resolved")
    case.resolved_at -= timedelta(days=resolved_days_ago)
    db.session.commit()
    text(client, hotline, "New question")
    assert case_of("New question").id != case.id and db.session.get(Case, case.id).status == Status.RESOLVED


def test_a_text_to_a_merged_case_goes_to_the_case_it_was_merged_into(client, make, hotline, caller, agent):
    text(client, hotline, "First question")
    merged = case_of("First question")
    target = make.case(hotline, participant=caller, subject="The real case")
    merge_cases(merged.id, target.id, actor=agent)
    db.session.commit()
    text(client, hotline, "Second question")
    assert case_of("Second question").id == target.id
    assert case_of("First question").id == target.id  # moved with the merge


def test_an_agent_acting_on_the_case_clears_the_new_text_marker(client, make, hotline, caller, agent):
    text(client, hotline, "Hello?")
    case = case_of("Hello?")
    assert case.participant_texted_at is not None
    send_reply(case, "Hello! How can we help?", actor=agent)
    assert case.participant_texted_at is None


@pytest.mark.parametrize("word", ["START", "Tak", "да", "Yes", "yes."])
def test_an_opt_in_word_opts_an_opted_out_participant_back_in(client, hotline, caller, word):
    caller.sms_opt_out = True
    db.session.commit()
    text(client, hotline, word)
    assert not db.session.get(type(caller), caller.id).sms_opt_out
    assert db.session.query(Case).count() == 0


@pytest.mark.parametrize("word", ["START", "Tak", "Да", "Yes"])
def test_an_opt_in_word_from_a_participant_who_never_opted_out_is_an_ordinary_message(client, hotline, caller,
                                                                                       word):
    text(client, hotline, word)
    assert case_of(word).channel == Channel.SMS


def test_an_opt_out_word_from_an_unknown_number_is_filed_nowhere(client, hotline):
    text(client, hotline, "STOP", from_number="+48700100200")
    assert db.session.query(Case).count() == 0 and db.session.query(Message).count() == 1
