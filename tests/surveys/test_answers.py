"""The participant's texts to their survey, through the signed SMS webhook."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.cases.models import Case, CaseEvent, Channel, Status
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.jobs.surveys import dispatch_due_surveys
from helpdesk.surveys.dispatch import DispatchTotals, claim_due_surveys
from helpdesk.surveys.models import FollowUp, SurveyDay, SurveyStatus
from helpdesk.surveys.settings import update_survey_settings
from helpdesk.telephony.delivery import record
from helpdesk.telephony.models import Message
from helpdesk.telephony.twilio_adapter import SendResult
from tests.conftest import login
from tests.surveys.conftest import make_due, resolve, survey_of
from tests.telephony.conftest import sid, signed_post


def text(client, program, member, body, message_sid=None):
    params = {"MessageSid": message_sid or sid("SM"), "From": member.phone, "To": program.hotline_number,
              "Body": body}
    response = signed_post(client, "/twilio/sms/incoming", params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


@pytest.fixture
def sent_survey(send_at_once, open_case, survey_agent):
    """A survey the (development) gateway has accepted."""
    resolve(open_case, survey_agent)
    survey = make_due(survey_of(open_case))
    dispatch_due_surveys()
    db.session.refresh(survey)
    assert survey.status == SurveyStatus.SENT
    return survey


def outbox_to(member) -> list[str]:
    """Texts waiting in the outbox for the participant (the worker sends them)."""
    return list(db.session.scalars(select(Message.body).where(Message.to_number == member.phone,
                                                              Message.status == "pending").order_by(Message.id)))


def sms_cases():
    return db.session.query(Case).filter_by(channel=Channel.SMS).all()


def kinds(case):
    return [e.kind for e in db.session.query(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id)]


def test_a_score_answers_the_survey_and_thanks_the_participant_in_their_language(client, sent_survey,
                                                                                 survey_program, member):
    text(client, survey_program, member, "5!")
    db.session.refresh(sent_survey)
    assert (sent_survey.status, sent_survey.score, sent_survey.raw_reply) == (SurveyStatus.ANSWERED, 5, "5!")
    assert outbox_to(member) == [f"{survey_program.name}: dziekujemy za ocene! Jesli chca Panstwo cos dodac, "
                                 "wystarczy odpisac na te wiadomosc."]
    assert "survey_answered" in kinds(sent_survey.case) and sms_cases() == []


def test_a_duration_is_not_the_score_and_the_rest_of_the_reply_is_the_comment(client, sent_survey, survey_program,
                                                                              member):
    text(client, survey_program, member, "czekałem 2 tygodnie, ale daję 4")
    db.session.refresh(sent_survey)
    assert (sent_survey.score, sent_survey.comment) == (4, "czekałem 2 tygodnie")
    assert sent_survey.raw_reply == "czekałem 2 tygodnie, ale daję 4" and sent_survey.follow_up is None
    assert outbox_to(member) == [f"{survey_program.name}: dziekujemy za uwagi, pomoga nam dzialac lepiej."]
    text(client, survey_program, member, "A jeszcze jedno")  # the comment came with the score: an ordinary text
    assert reopened_with(sent_survey.case, "A jeszcze jedno")


def test_two_ratings_in_one_reply_give_the_lower_marked_for_review(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "5 dla konsultanta, 2 dla kuriera")
    db.session.refresh(sent_survey)
    assert (sent_survey.score, sent_survey.needs_review, sent_survey.follow_up) == (2, True, FollowUp.OPEN)
    assert sent_survey.comment == "5 dla konsultanta, 2 dla kuriera"


def test_a_question_instead_of_a_score_goes_to_an_agent_without_a_re_ask(client, sent_survey, survey_program,
                                                                          member):
    text(client, survey_program, member, "Gdzie jest moja paczka?")
    db.session.refresh(sent_survey)
    assert outbox_to(member) == [] and not sent_survey.re_asked and sent_survey.status == SurveyStatus.SENT
    assert sms_cases() == [] and reopened_with(sent_survey.case, "Gdzie jest moja paczka?")
    assert sent_survey.unclear_replies == 1
    assert db.session.query(SurveyDay).filter_by(dimension="all").one().unclear == 1


def test_several_words_without_a_rating_go_to_an_agent(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "Nie dostałem jeszcze słuchawek z katalogu nagród")
    db.session.refresh(sent_survey)
    assert outbox_to(member) == [] and sent_survey.score is None
    assert reopened_with(sent_survey.case, "Nie dostałem jeszcze słuchawek z katalogu nagród")


def test_a_score_with_a_question_is_recorded_and_the_question_reaches_an_agent(client, sent_survey,
                                                                                survey_program, member):
    text(client, survey_program, member, "4, ale kiedy przyjdzie paczka?")
    db.session.refresh(sent_survey)
    assert (sent_survey.score, sent_survey.comment) == (4, "ale kiedy przyjdzie paczka?")
    assert reopened_with(sent_survey.case, "4, ale kiedy przyjdzie paczka?")


def test_a_question_in_the_comment_window_is_kept_and_reaches_an_agent_unthanked(client, sent_survey,
                                                                                 survey_program, member):
    text(client, survey_program, member, "3")
    text(client, survey_program, member, "Kiedy ktoś do mnie oddzwoni?")
    db.session.refresh(sent_survey)
    assert sent_survey.comment == "Kiedy ktoś do mnie oddzwoni?"
    assert len(outbox_to(member)) == 1  # the thanks for the score only
    assert reopened_with(sent_survey.case, "Kiedy ktoś do mnie oddzwoni?")


def test_the_webhook_never_waits_on_the_gateway(client, sent_survey, twilio, survey_program, member):
    text(client, survey_program, member, "4")
    assert twilio.log == []  # the thanks is in the outbox, for the worker


def test_an_answer_counts_on_the_dashboard_on_the_day_the_survey_was_sent(client, sent_survey, survey_program,
                                                                          member):
    text(client, survey_program, member, "4")
    row = db.session.query(SurveyDay).filter_by(dimension="all", day=sent_survey.sent_day).one()
    assert (row.sent, row.responses, row.score_sum, row.score_4) == (1, 1, 4, 1)


def test_a_short_reply_without_a_score_gets_one_polite_re_ask(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "hmm")
    db.session.refresh(sent_survey)
    assert sent_survey.status == SurveyStatus.SENT and sent_survey.re_asked
    assert outbox_to(member) == [f"{survey_program.name}: przepraszamy, nie rozumiemy odpowiedzi. Prosimy odpisac "
                                 "jedna cyfre od 1 (zle) do 5 (bardzo dobrze)."]
    text(client, survey_program, member, "⭐⭐⭐")
    db.session.refresh(sent_survey)
    assert (sent_survey.status, sent_survey.score) == (SurveyStatus.ANSWERED, 3)


def reopened_with(case, body) -> bool:
    """The surveyed case took the text: reopened for it (within the reopen window) and marked for its agent."""
    db.session.refresh(case)
    last_text = db.session.scalars(select(CaseEvent.body).where(CaseEvent.case_id == case.id,
                                                                CaseEvent.kind == "sms_in")
                                   .order_by(CaseEvent.id.desc())).first()
    return case.status == Status.OPEN and last_text == body and case.participant_texted_at is not None


def test_a_second_reply_without_a_score_is_an_ordinary_text(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "🎉")
    text(client, survey_program, member, "I need help with my points")
    assert len(outbox_to(member)) == 1  # one re-ask only
    assert sms_cases() == [] and reopened_with(sent_survey.case, "I need help with my points")


def test_the_next_text_after_the_score_is_the_comment_not_a_new_case(client, sent_survey, survey_program,
                                                                      member):
    text(client, survey_program, member, "2")
    text(client, survey_program, member, "The courier never called <b>me</b>")
    db.session.refresh(sent_survey)
    assert sent_survey.comment == "The courier never called <b>me</b>" and sent_survey.comment_at is not None
    assert sms_cases() == [] and kinds(sent_survey.case)[-2:] == ["survey_comment", "sms_out"]  # thanked
    text(client, survey_program, member, "And one more thing")
    assert reopened_with(sent_survey.case, "And one more thing")  # only one comment: the next text is ordinary


def test_a_text_a_day_after_the_score_is_no_comment(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "5")
    db.session.refresh(sent_survey)
    sent_survey.answered_at = utcnow() - timedelta(hours=25)
    text(client, survey_program, member, "My new order is late")
    assert sent_survey.comment is None and reopened_with(sent_survey.case, "My new order is late")


def test_a_reply_after_the_survey_expired_is_an_ordinary_text(client, sent_survey, survey_program, member):
    sent_survey.sent_at = utcnow() - timedelta(hours=73)
    text(client, survey_program, member, "5")
    db.session.refresh(sent_survey)
    assert sent_survey.score is None and reopened_with(sent_survey.case, "5")


def test_a_text_with_no_survey_open_goes_to_a_case_as_before(client, open_case, survey_program, member):
    text(client, survey_program, member, "5")
    assert len(sms_cases()) == 1


def test_a_redelivered_reply_counts_once(client, sent_survey, survey_program, member):
    message_sid = sid("SM")
    for _ in range(3):
        text(client, survey_program, member, "4", message_sid=message_sid)
    db.session.refresh(sent_survey)
    assert sent_survey.score == 4 and sent_survey.comment is None
    assert db.session.query(SurveyDay).filter_by(dimension="all").one().responses == 1
    assert len(outbox_to(member)) == 1


def test_an_opt_out_word_of_our_own_to_an_open_survey_is_confirmed_once(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "koniec")
    assert member.sms_opt_out
    assert outbox_to(member) == [f"{survey_program.name}: nie bedziemy juz wysylac SMS-ow. Aby je wznowic, prosimy "
                                 "odpisac START."]


def test_twilio_confirms_its_own_opt_out_words_so_we_do_not(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "STOP")
    assert member.sms_opt_out and outbox_to(member) == []


def test_a_low_score_opens_a_service_recovery_follow_up(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "1")
    db.session.refresh(sent_survey)
    assert sent_survey.follow_up == FollowUp.OPEN
    assert kinds(sent_survey.case)[-3:] == ["survey_answered", "service_recovery", "sms_out"]


def test_a_three_opens_no_follow_up(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "3")
    db.session.refresh(sent_survey)
    assert sent_survey.follow_up is None


def test_an_opt_out_word_cancels_pending_surveys_and_is_no_answer(client, open_case, survey_agent, survey_program,
                                                                   member):
    resolve(open_case, survey_agent)
    text(client, survey_program, member, "STOP")
    survey = survey_of(open_case)
    assert (survey.status, survey.reason) == (SurveyStatus.CANCELLED, "opted_out") and member.sms_opt_out


def test_stop_to_an_open_survey_opts_out_rather_than_answering(client, sent_survey, survey_program, member):
    text(client, survey_program, member, "stop")
    db.session.refresh(sent_survey)
    assert sent_survey.score is None and member.sms_opt_out and outbox_to(member) == []


def test_a_reply_before_the_dispatcher_marked_the_survey_sent_still_counts(client, send_at_once, open_case,
                                                                           survey_agent, survey_program, member):
    resolve(open_case, survey_agent)
    make_due(survey_of(open_case))
    [queued] = claim_due_surveys(10, utcnow(), DispatchTotals())
    record(queued.claim.message_id, SendResult(sid=sid("SM"), status="queued"))  # its survey not followed
    survey = survey_of(open_case)
    assert survey.status == SurveyStatus.SENDING
    text(client, survey_program, member, "5")
    db.session.refresh(survey)
    assert (survey.status, survey.score) == (SurveyStatus.ANSWERED, 5) and survey.sent_at is not None
    row = db.session.query(SurveyDay).filter_by(dimension="all").one()
    assert (row.sent, row.responses) == (1, 1)


HOSTILE = [
    "🙂" * 3000, "x" * 20_000, "<script>alert(1)</script>", "'; DROP TABLE surveys; --", "٥ من ٥", "五",
    "Ｆｉｖｅ", "\u202eevil", "5\x00", "𝕱𝖎𝖛𝖊", "🏳️‍🌈🏳️‍🌈", "=HYPERLINK(\"http://x\")",
]


@pytest.mark.parametrize("body", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_replies_never_fail_the_webhook_and_are_shown_escaped(client, make, sent_survey, survey_program,
                                                                      member, body):
    text(client, survey_program, member, body)
    text(client, survey_program, member, body)  # maybe the comment, maybe an ordinary text
    login(client, make.user(role="manager", programs=[survey_program]))
    page = client.get(f"/cases/{sent_survey.case_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


@pytest.fixture
def ten_point_survey(send_at_once, open_case, survey_agent, survey_program):
    update_survey_settings(survey_program, enabled=True, delay_minutes=0, quiet_hours="", fatigue_days=0, scale="10",
                           texts={}, actor=survey_agent)
    resolve(open_case, survey_agent)
    survey = make_due(survey_of(open_case))
    dispatch_due_surveys()
    db.session.refresh(survey)
    return survey


def test_on_the_0_to_10_scale_the_question_asks_0_to_10_and_the_reply_is_read_on_it(
        client, ten_point_survey, survey_program, member):
    question = db.session.get(Message, ten_point_survey.message_id).body
    assert "od 0 (zle) do 10 (bardzo dobrze)" in question and ten_point_survey.scale == 10
    text(client, survey_program, member, "8 na 10")
    db.session.refresh(ten_point_survey)
    assert (ten_point_survey.score, ten_point_survey.follow_up) == (8, None)
    row = db.session.query(SurveyDay).filter_by(dimension="all").one()
    assert (row.scale, row.score_8, row.responses) == (10, 1, 1)


@pytest.mark.parametrize(("reply", "recovery"), [("4", True), ("0", True), ("5", False), ("⭐⭐", True)])
def test_on_the_0_to_10_scale_service_recovery_starts_at_4_and_below(client, ten_point_survey, survey_program,
                                                                      member, reply, recovery):
    text(client, survey_program, member, reply)
    db.session.refresh(ten_point_survey)
    assert (ten_point_survey.follow_up == FollowUp.OPEN) is recovery
