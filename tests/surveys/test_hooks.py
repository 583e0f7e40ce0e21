"""The signals surveys hear: case status changes, inbound texts, opt-outs."""

import pytest

from helpdesk import create_app
from helpdesk.cases.models import Case, Channel, Status
from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.signals import case_status_changed, participant_opted_out, text_received
from helpdesk.surveys.models import Survey
from tests.surveys.conftest import resolve
from tests.telephony.conftest import sid, signed_post


@pytest.fixture
def heard():
    """What the status and opt-out signals carry during one test."""
    calls = []

    def status_changed(case, *, old, new, actor):
        calls.append(("status", old, new))

    def opted_out(participant):
        calls.append(("opt_out", participant.id))

    with case_status_changed.connected_to(status_changed), participant_opted_out.connected_to(opted_out):
        yield calls


def text(client, program, number, body):
    return signed_post(client, "/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": number,
                                                         "To": program.hotline_number, "Body": body})


def test_each_status_change_is_sent_once_with_old_and_new(open_case, survey_agent, heard):
    update_case(open_case, actor=survey_agent, note="Checked the points history")
    update_case(open_case, actor=survey_agent, status="resolved", priority="high")
    update_case(open_case, actor=survey_agent, status="open")
    assert heard == [("status", Status.OPEN, Status.RESOLVED), ("status", Status.RESOLVED, Status.OPEN)]


def test_a_refused_status_change_is_not_sent(open_case, survey_agent, heard):
    update_case(open_case, actor=survey_agent, status="closed")
    with pytest.raises(Exception, match="closed case cannot"):
        update_case(open_case, actor=survey_agent, status="open")
    assert heard == [("status", Status.OPEN, Status.CLOSED)]


def test_a_receiver_of_text_received_can_take_a_participants_text_before_it_goes_to_a_case(client, survey_program,
                                                                                           member):
    taken = []
    with text_received.connected_to(lambda message: taken.append(message.body) or True):
        text(client, survey_program, member.phone, "5")
    assert taken == ["5"] and db.session.query(Case).filter_by(channel=Channel.SMS).count() == 0


def test_opt_out_words_and_unknown_senders_are_not_sent_as_text_received(client, heard, survey_program, member):
    asked = []
    with text_received.connected_to(lambda message: asked.append(message.body) or True):
        text(client, survey_program, member.phone, "STOP")
        text(client, survey_program, member.phone, "START")
        text(client, survey_program, "+48601999888", "5")
    assert asked == [] and heard == [("opt_out", member.id)]
    assert db.session.query(Case).filter_by(channel=Channel.SMS).count() == 1  # the stranger's text


def test_a_second_app_in_the_process_does_not_schedule_a_second_survey(open_case, survey_agent):
    create_app({"SECRET_KEY": "second", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    resolve(open_case, survey_agent)
    assert db.session.query(Survey).filter_by(case_id=open_case.id).count() == 1
