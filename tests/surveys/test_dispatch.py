"""Dispatching due surveys through the SMS outbox to the loopback fake of Twilio's REST API."""

import json
import sys
from datetime import timedelta

import pytest
from werkzeug import Response

from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.jobs import outbox as outbox_jobs
from helpdesk.jobs.surveys import deliver_question, dispatch_due_surveys
from helpdesk.jobs.worker import run_pass
from helpdesk.surveys.dispatch import DispatchTotals, claim_due_surveys
from helpdesk.surveys.models import SurveyDay, SurveyStatus
from helpdesk.telephony.models import Message
from helpdesk.telephony.twilio_adapter import current_gateway
from tests.surveys.conftest import make_due, resolve, survey_of
from tests.telephony.conftest import ACCOUNT, MESSAGES_PATH, accept_message, reject_message, sends, sid


def accept_all(httpserver):
    """Twilio accepting every message, each with its own sid."""
    def created(request):
        body = {"sid": sid("SM"), "status": "queued", "account_sid": ACCOUNT, "to": request.form["To"]}
        return Response(json.dumps(body), status=201, content_type="application/json")

    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_handler(created)


def lease_runs_out(message: Message) -> None:
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.fixture
def due_survey(send_at_once, open_case, survey_agent):
    resolve(open_case, survey_agent)
    return make_due(survey_of(open_case))


def test_a_due_survey_goes_out_from_the_hotline_number_in_the_participants_language(twilio, due_survey, open_case,
                                                                                    survey_program, member):
    accept_message(twilio)
    totals = dispatch_due_surveys()
    (request, _), = twilio.log
    assert (request.form["From"], request.form["To"]) == (survey_program.hotline_number, member.phone)
    assert request.form["Body"] == (f"{survey_program.name}: prosimy o ocene naszej pomocy w sprawie "
                                    f"{open_case.number}. Wystarczy odpisac cyfre od 1 (zle) do 5 (bardzo dobrze).")
    db.session.refresh(due_survey)
    assert due_survey.status == SurveyStatus.SENT and due_survey.sent_at is not None and totals.sent == 1
    message = db.session.get(Message, due_survey.message_id)
    assert message.case_id == open_case.id and message.message_sid.startswith("SM")


def test_a_sent_survey_counts_on_the_dashboard_on_its_local_day(twilio, due_survey, survey_program):
    accept_message(twilio)
    dispatch_due_surveys()
    db.session.refresh(due_survey)
    totals = {row.dimension: row.sent for row in db.session.query(SurveyDay).filter_by(day=due_survey.sent_day)}
    assert totals == {"all": 1, "agent": 1, "category": 1, "script": 1}


def test_the_programs_own_question_is_sent(twilio, due_survey, survey_program, survey_agent, open_case):
    from helpdesk.surveys.settings import update_survey_settings

    update_survey_settings(survey_program, enabled=True, delay_minutes=0, quiet_hours="", fatigue_days=None,
                           texts={"pl": {"question": "Jak oceniasz sprawę {case}? 1-5"}}, actor=survey_agent)
    accept_message(twilio)
    dispatch_due_surveys()
    assert twilio.log[0][0].form["Body"] == f"Jak oceniasz sprawę {open_case.number}? 1-5"


def test_a_survey_not_due_yet_is_left_alone(twilio, open_case, survey_agent):
    resolve(open_case, survey_agent)  # due in an hour at the earliest
    assert dispatch_due_surveys().sent == 0
    assert twilio.log == [] and survey_of(open_case).status == SurveyStatus.SCHEDULED


def test_a_transient_gateway_failure_is_retried_with_backoff_by_the_worker(twilio, due_survey):
    reject_message(twilio, 503, 20503, "Service unavailable")
    assert dispatch_due_surveys().retry == 1
    db.session.refresh(due_survey)
    message = db.session.get(Message, due_survey.message_id)
    assert due_survey.status == SurveyStatus.SENDING and message.status == "sending"  # a 503 may have sent it
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
    run_pass()  # too early: nothing is sent
    assert len(twilio.log) == 1
    lease_runs_out(message)  # time passes: the retry is due
    accept_message(twilio)
    run_pass()
    db.session.refresh(due_survey)
    assert due_survey.status == SurveyStatus.SENT
    assert [request.method for request, _ in twilio.log] == ["POST", "GET", "POST"]  # Twilio had none


def test_a_permanent_gateway_failure_is_recorded_and_not_retried(twilio, due_survey):
    reject_message(twilio, 400, 21211, "The 'To' number is not a valid phone number")
    assert dispatch_due_surveys().failed == 1
    db.session.refresh(due_survey)
    assert due_survey.status == SurveyStatus.FAILED and due_survey.reason.startswith("gateway: 21211")
    run_pass()
    assert len(twilio.log) == 1


def test_twilios_opt_out_refusal_fails_the_survey_and_opts_the_participant_out(twilio, due_survey, member):
    reject_message(twilio, 400, 21610, "Attempt to send to unsubscribed recipient")
    dispatch_due_surveys()
    db.session.refresh(member)
    assert survey_of(due_survey.case).status == SurveyStatus.FAILED and member.sms_opt_out


def test_a_participant_who_opted_out_after_scheduling_is_not_texted(twilio, due_survey, member):
    member.sms_opt_out = True
    db.session.commit()
    assert dispatch_due_surveys().cancelled == 1
    assert twilio.log == []
    assert (due_survey.status, due_survey.reason) == (SurveyStatus.CANCELLED, "opted_out")


def test_a_dispatcher_killed_before_committing_its_claim_loses_nothing(twilio, due_survey):
    nested = db.session.begin_nested()
    claim_due_surveys(10, utcnow(), DispatchTotals())
    nested.rollback()  # the process died inside the claim's transaction
    db.session.refresh(due_survey)
    assert due_survey.status == SurveyStatus.SCHEDULED and db.session.query(Message).count() == 0
    accept_all(twilio)
    dispatch_due_surveys()
    assert len(twilio.log) == 1 and survey_of(due_survey.case).status == SurveyStatus.SENT


def test_a_dispatcher_killed_after_its_claim_leaves_the_text_in_the_outbox_for_the_worker(twilio, due_survey):
    [queued] = claim_due_surveys(10, utcnow(), DispatchTotals())
    db.session.commit()  # then the process died, before asking the gateway
    accept_all(twilio)
    run_pass()  # its claim still holds: nobody sends the text yet
    assert twilio.log == []
    lease_runs_out(db.session.get(Message, queued.claim.message_id))
    run_pass()
    run_pass()
    assert len(sends(twilio)) == 1
    db.session.refresh(due_survey)
    assert due_survey.status == SurveyStatus.SENT


def test_a_dispatcher_with_a_slow_gateway_renews_its_claim_before_sending(app, twilio, due_survey, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT", 200)  # two of them would outlast the 5-minute lease
    accept_all(twilio)
    assert dispatch_due_surveys().sent == 1


def test_a_claim_taken_over_by_another_worker_is_not_sent_again(app, twilio, due_survey, monkeypatch):
    [queued] = claim_due_surveys(10, utcnow(), DispatchTotals())
    db.session.commit()
    lease_runs_out(db.session.get(Message, queued.claim.message_id))
    accept_all(twilio)
    run_pass()  # another worker: the lease ran out, it sends the text
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT", 200)
    totals = DispatchTotals()
    deliver_question(queued, current_gateway(), totals)  # the first one wakes up
    assert len(sends(twilio)) == 1 and totals.sent == 0


def test_a_dispatcher_killed_while_sending_leaves_the_text_to_be_found_at_twilio_not_sent_again(twilio, due_survey,
                                                                                              monkeypatch):
    accept_all(twilio)
    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(outbox_jobs, "record", lambda *args: sys.exit("killed"))  # as the gateway answers
        dispatch_due_surveys()
    message = db.session.get(Message, survey_of(due_survey.case).message_id)
    assert message.status == "sending" and len(twilio.log) == 1
    run_pass()  # another worker: the lease still holds, nothing is sent twice
    assert len(twilio.log) == 1
    lease_runs_out(message)  # the outbox asks Twilio, which has the text
    run_pass()
    assert len(sends(twilio)) == 1 and message.message_sid == twilio.log[0][1].get_json()["sid"]
    assert survey_of(due_survey.case).status == SurveyStatus.SENT


def test_a_survey_unanswered_past_the_reply_window_expires(twilio, due_survey):
    accept_message(twilio)
    dispatch_due_surveys()
    db.session.refresh(due_survey)
    due_survey.sent_at = utcnow() - timedelta(hours=73)
    db.session.commit()
    assert dispatch_due_surveys().expired == 1
    db.session.refresh(due_survey)
    assert due_survey.status == SurveyStatus.EXPIRED


def test_a_stop_request_leaves_the_rest_in_the_outbox(twilio, make, send_at_once, survey_program, survey_agent):
    cases = [make.case(survey_program) for _ in range(3)]
    for case in cases:
        resolve(case, survey_agent)
        make_due(survey_of(case))
    accept_all(twilio)
    calls = iter([False, True])
    totals = dispatch_due_surveys(should_stop=lambda: next(calls, True))
    assert totals.sent == 0 and twilio.log == []
    run_pass()
    assert len(twilio.log) == 3


def test_the_dispatch_command_sends_every_due_survey_and_prints_a_summary(runner, twilio, make, send_at_once,
                                                                          survey_program, survey_agent):
    for _ in range(3):
        case = make.case(survey_program)
        resolve(case, survey_agent)
        make_due(survey_of(case))
    accept_all(twilio)
    result = runner.invoke(args=["surveys", "dispatch", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Sent 3 surveys, 0 to retry, 0 failed" in result.output
    assert len(twilio.log) == 3


def test_the_sms_deliver_command_sends_a_released_question_and_marks_its_survey(runner, twilio, due_survey):
    accept_all(twilio)
    calls = iter([False, True])
    dispatch_due_surveys(should_stop=lambda: next(calls, True))  # stopped: the question back in the outbox
    result = runner.invoke(args=["sms", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, to retry later 0, failed 0." in result.output
    assert len(twilio.log) == 1 and survey_of(due_survey.case).status == SurveyStatus.SENT


def test_the_worker_runs_one_pass_with_once(runner, twilio, due_survey):
    accept_all(twilio)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Surveys: Sent 1 surveys" in result.output and "Worker stopped." in result.output
