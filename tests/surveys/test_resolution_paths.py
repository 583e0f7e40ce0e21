"""Every way of resolving a case schedules its survey: the agent's page and the API."""

from helpdesk.surveys.models import SurveyStatus
from tests.conftest import csrf_token, login
from tests.surveys.conftest import survey_of


def test_resolving_on_the_case_page_schedules_the_survey(client, open_case, survey_agent):
    login(client, survey_agent)
    response = client.post(f"/cases/{open_case.id}/update", data={
        "status": "resolved", "priority": "normal", "assignee": str(survey_agent.id),
        "csrf_token": csrf_token(client, "/cases")})
    assert response.status_code == 302
    assert survey_of(open_case).status == SurveyStatus.SCHEDULED


def test_resolving_through_the_api_schedules_the_survey(api, open_case):
    assert api.patch(f"/cases/{open_case.id}", json={"status": "resolved"}).status_code == 200
    survey = survey_of(open_case)
    assert survey.status == SurveyStatus.SCHEDULED and survey.agent == open_case.assignee


def test_reopening_through_the_api_cancels_it(api, open_case):
    api.patch(f"/cases/{open_case.id}", json={"status": "resolved"})
    api.patch(f"/cases/{open_case.id}", json={"status": "open"})
    assert survey_of(open_case).status == SurveyStatus.CANCELLED
