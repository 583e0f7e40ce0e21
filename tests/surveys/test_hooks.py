"""The small hooks surveys plug into: case status listeners, inbound-text handlers, opt-out listeners."""

import pytest

from helpdesk.cases import services as case_services
from helpdesk.cases.models import Case, Channel, Status
from helpdesk.cases.services import update_case
from helpdesk.extensions import db
from helpdesk.signals import participant_opted_out, text_received
from helpdesk.surveys.hooks import register_hooks
from tests.telephony.conftest import sid, signed_post


@pytest.fixture
def heard(monkeypatch):
    """Swap the hook lists for recording ones for one test."""
    calls = []
    monkeypatch.setattr(case_services, "status_listeners", [lambda *args: calls.append(("status", *args[1:3]))])
    with participant_opted_out.connected_to(lambda participant: calls.append(("opt_out", participant.id))):
        yield calls


def text(client, program, number, body):
    return signed_post(client, "/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": number,
                                                         "To": program.hotline_number, "Body": body})


def test_status_listeners_hear_each_status_change_once_with_old_and_new(open_case, survey_agent, heard):
    update_case(open_case, actor=survey_agent, note="Checked the points history")
    update_case(open_case, actor=survey_agent, status="resolved", priority="high")
    update_case(open_case, actor=survey_agent, status="open")
    assert heard == [("status", Status.OPEN, Status.RESOLVED), ("status", Status.RESOLVED, Status.OPEN)]


def test_a_refused_status_change_is_not_heard(open_case, survey_agent, heard):
    update_case(open_case, actor=survey_agent, status="closed")
    with pytest.raises(Exception, match="closed case cannot"):
        update_case(open_case, actor=survey_agent, status="open")
    assert heard == [("status", Status.OPEN, Status.CLOSED)]


def test_an_inbound_handler_can_take_a_participants_text_before_it_goes_to_a_case(client, monkeypatch,
                                                                                    survey_program, member):
    taken = []
    with text_received.connected_to(lambda message: taken.append(message.body) or True):
        text(client, survey_program, member.phone, "5")
    assert taken == ["5"] and db.session.query(Case).filter_by(channel=Channel.SMS).count() == 0


def test_inbound_handlers_are_not_asked_about_opt_out_words_or_unknown_senders(client, monkeypatch, heard,
                                                                               survey_program, member):
    asked = []
    with text_received.connected_to(lambda message: asked.append(message.body) or True):
        text(client, survey_program, member.phone, "STOP")
        text(client, survey_program, member.phone, "START")
        text(client, survey_program, "+48601999888", "5")
    assert asked == [] and heard == [("opt_out", member.id)]
    assert db.session.query(Case).filter_by(channel=Channel.SMS).count() == 1  # the stranger's text


def test_registering_the_survey_hooks_twice_adds_them_once():
    before = (len(case_services.status_listeners), len(text_received.receivers), len(participant_opted_out.receivers))
    register_hooks()
    assert (len(case_services.status_listeners), len(text_received.receivers),
            len(participant_opted_out.receivers)) == before
