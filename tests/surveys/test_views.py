"""Survey pages: the case panel, the service-recovery list, survey settings, an agent's own scores."""

from helpdesk.cases.models import CaseEvent
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.surveys.models import FollowUp, SurveySettings
from tests.conftest import csrf_token, login
from tests.reports.conftest import add_survey
from tests.surveys.conftest import resolve


def low_score(make, program, agent, comment="Nobody called back"):
    return add_survey(make.case(program, subject="Points missing"), sent_at=utcnow(), score=2, comment=comment,
                      agent=agent)


def test_managers_see_open_follow_ups_of_their_programs_only(make, client, survey_program, survey_agent):
    mine = low_score(make, survey_program, survey_agent)
    low_score(make, make.program(), None, comment="Another program")
    login(client, make.user(role="manager", programs=[survey_program]))
    html = client.get("/surveys/recovery").get_data(as_text=True)
    assert mine.case.reference in html and "Nobody called back" in html and "Another program" not in html


def test_agents_have_no_service_recovery_list(agent_client):
    assert agent_client.get("/surveys/recovery").status_code == 403


def test_a_manager_closes_a_follow_up_with_a_note_on_the_timeline(make, client, survey_program, survey_agent):
    survey = low_score(make, survey_program, survey_agent)
    login(client, make.user(role="manager", programs=[survey_program], name="Maria Manager"))
    response = client.post(f"/surveys/{survey.id}/follow-up", data={
        "follow-up-note": "Called back, points added", "back": "recovery", "csrf_token": csrf_token(client,
                                                                                                    "/cases")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/surveys/recovery")
    db.session.refresh(survey)
    assert (survey.follow_up, survey.follow_up_done_by) == (FollowUp.DONE, "Maria Manager")
    event = db.session.query(CaseEvent).filter_by(case_id=survey.case_id, kind="service_recovery_done").one()
    assert event.body == "Called back, points added" and event.author_name == "Maria Manager"
    assert "No open follow-ups." in client.get("/surveys/recovery").get_data(as_text=True)


def test_a_follow_up_cannot_be_closed_twice_or_without_a_note(make, client, survey_program, survey_agent):
    survey = low_score(make, survey_program, survey_agent)
    login(client, make.user(role="manager", programs=[survey_program]))
    token = csrf_token(client, "/cases")
    client.post(f"/surveys/{survey.id}/follow-up", data={"follow-up-note": "", "csrf_token": token})
    assert survey.follow_up == FollowUp.OPEN
    client.post(f"/surveys/{survey.id}/follow-up", data={"follow-up-note": "Done", "csrf_token": token})
    response = client.post(f"/surveys/{survey.id}/follow-up", data={"follow-up-note": "Again", "csrf_token": token},
                           follow_redirects=True)
    assert "this follow-up is not open" in response.get_data(as_text=True)


def test_the_case_page_shows_the_survey_its_score_and_comment(make, client, survey_program, survey_agent):
    survey = low_score(make, survey_program, survey_agent, comment="<i>slow</i>")
    login(client, make.user(role="manager", programs=[survey_program]))
    html = client.get(f"/cases/{survey.case_id}").get_data(as_text=True)
    assert 'id="survey"' in html and "2/5" in html and "&lt;i&gt;slow&lt;/i&gt;" in html
    assert "Follow-up done" in html


def test_the_case_page_says_why_a_survey_was_skipped(client, make, survey_program, survey_agent, member):
    member.sms_opt_out = True
    case = make.case(survey_program, participant=member)
    resolve(case, survey_agent)
    login(client, survey_agent)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Skipped: the participant opted out of SMS" in html


def test_a_manager_changes_the_programs_survey_settings(make, client, survey_program):
    login(client, make.user(role="manager", programs=[survey_program]))
    page = client.get(f"/surveys/settings/{survey_program.code}").get_data(as_text=True)
    assert 'value="21:00-09:00"' in page and 'value="60"' in page
    assert "prosimy o ocene naszej pomocy" in page  # the standard Polish question, shown as the placeholder
    response = client.post(f"/surveys/settings/{survey_program.code}", data={
        "enabled": "y", "delay_minutes": "15", "quiet_hours": "22:00-08:00", "fatigue_days": "14", "scale": "10",
        "text_en_question": "Rate case {case} from 0 to 10", "text_ru_thanks": "{program}: спасибо!",
        "csrf_token": csrf_token(client, "/cases")})
    assert response.status_code == 302
    settings = db.session.get(SurveySettings, survey_program.id)
    assert (settings.delay_minutes, settings.quiet_hours, settings.fatigue_days) == (15, "22:00-08:00", 14)
    assert settings.scale == 10
    assert settings.texts == {"en": {"question": "Rate case {case} from 0 to 10"},
                              "ru": {"thanks": "{program}: спасибо!"}}


def post_text(client, program, field, text):
    return client.post(f"/surveys/settings/{program.code}", data={
        "delay_minutes": "5", "quiet_hours": "", "fatigue_days": "30", "scale": "5", field: text,
        "csrf_token": csrf_token(client, "/cases")}, follow_redirects=True)


def test_survey_settings_show_what_is_wrong(make, client, survey_program):
    login(client, make.user(role="manager", programs=[survey_program]))
    response = client.post(f"/surveys/settings/{survey_program.code}", data={
        "delay_minutes": "5", "quiet_hours": "late", "fatigue_days": "30", "scale": "5",
        "text_pl_re_ask": "Prosimy o ocene {sprawa}", "csrf_token": csrf_token(client, "/cases")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "must be HH:MM-HH:MM" in html
    assert "unknown placeholder {sprawa}: use {program} or {case}" in html


def test_a_text_over_six_segments_is_refused_and_over_three_is_saved_with_a_warning(make, client, survey_program):
    login(client, make.user(role="manager", programs=[survey_program]))
    refused = post_text(client, survey_program, "text_ru_question", "Ж" * (67 * 6 + 1))
    assert refused.status_code == 422 and "is 7 SMS segments long; at most 6" in refused.get_data(as_text=True)
    saved = post_text(client, survey_program, "text_ru_question", "Ж" * (67 * 3 + 1))
    assert "is 4 SMS segments long; every segment is billed" in saved.get_data(as_text=True)
    assert db.session.get(SurveySettings, survey_program.id).texts["ru"]["question"] == "Ж" * 202


def test_the_settings_page_loads_the_segment_counter_script_and_no_inline_script(make, client, survey_program):
    login(client, make.user(role="manager", programs=[survey_program]))
    page = client.get(f"/surveys/settings/{survey_program.code}").get_data(as_text=True)
    assert "js/segments.js" in page and "<script>" not in page and "onclick" not in page
    assert 'data-segments=""' in page and f'data-program-name="{survey_program.name}"' in page


def test_agents_see_their_own_scores_and_comments_only(make, agent_client, agent, program):
    add_survey(make.case(program), sent_at=utcnow(), score=5, comment="Agent was lovely", agent=agent)
    add_survey(make.case(program), sent_at=utcnow(), score=1, comment="Someone else's case",
               agent=make.user(role="agent", programs=[program]))
    html = agent_client.get("/surveys/mine").get_data(as_text=True)
    assert 'data-figure="sent">1</div>' in html and 'data-figure="average">5.00</div>' in html
    assert "Agent was lovely" in html and "Someone else" not in html


def test_my_scores_leave_out_the_programs_the_agent_no_longer_serves(make, agent_client, agent, program):
    former = make.program()
    add_survey(make.case(program), sent_at=utcnow(), score=5, comment="Still my program", agent=agent)
    add_survey(make.case(former), sent_at=utcnow(), score=1, comment="A program I left", agent=agent)
    html = agent_client.get("/surveys/mine").get_data(as_text=True)
    assert 'data-figure="sent">1</div>' in html and "Still my program" in html and "A program I left" not in html
