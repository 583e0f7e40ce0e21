"""Surveys as the tests see them: a program, a participant with a phone, an agent, and cases to resolve."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.cases.services import update_case
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.surveys.models import Survey
from tests.api.conftest import api, issue_token, openapi  # noqa: F401  (the contract-checking API client)
from tests.telephony.conftest import twilio  # noqa: F401  (the loopback fake of Twilio's REST API)


@pytest.fixture
def survey_program(make):
    return make.program(country="PL")


@pytest.fixture
def member(make, survey_program):
    return make.participant(survey_program, first_name="Ewa", last_name="Lis", phone="+48 601 555 101", locale="pl")


@pytest.fixture
def survey_agent(make, survey_program):
    return make.user(role="agent", programs=[survey_program], name="Marta Agent")


@pytest.fixture
def open_case(make, survey_program, member, survey_agent):
    case = make.case(survey_program, participant=member, category="points", subject="Missing points")
    update_case(case, actor=survey_agent, assignee=survey_agent, status="open")
    return case


@pytest.fixture
def send_at_once(app, monkeypatch):
    """Surveys due as soon as the case is resolved, at any hour."""
    monkeypatch.setitem(app.config, "SURVEY_DELAY_MINUTES", 0)
    monkeypatch.setitem(app.config, "SURVEY_QUIET_HOURS", "")


def resolve(case, actor):
    return update_case(case, actor=actor, status="resolved")


def survey_of(case) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.case_id == case.id).order_by(Survey.id.desc()).limit(1))


def make_due(survey: Survey) -> Survey:
    survey.due_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    return survey
