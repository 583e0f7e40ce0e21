"""Known survey data for the dashboard, written through the same counting code as real sends and answers."""

from datetime import UTC, date, datetime

import pytest

from helpdesk.extensions import db
from helpdesk.reports.periods import Period
from helpdesk.surveys.dispatch import mark_sent
from helpdesk.surveys.models import SCALES, FollowUp, Survey, SurveyStatus
from helpdesk.surveys.stats import count_answer, count_unclear
from tests.api.conftest import api, issue_token, openapi  # noqa: F401  (the contract-checking API client)
from tests.mail.conftest import smtp_server  # noqa: F401  (a loopback SMTP server)

PERIOD = Period(date(2026, 3, 2), date(2026, 3, 15))  # two weeks, Monday to Sunday


def add_survey(case, *, sent_at: datetime, score=None, comment=None, agent=None, script=None, scale=5,
               unclear=0) -> Survey:
    survey = Survey(case=case, program_id=case.program_id, participant=case.participant, agent=agent,
                    category=case.category.value, script_version=script, locale="pl",
                    status=SurveyStatus.SCHEDULED, due_at=sent_at, scale=scale)
    db.session.add(survey)
    db.session.flush()
    mark_sent(survey, sent_at, case.program.timezone)
    for _ in range(unclear):
        survey.unclear_replies += 1
        count_unclear(survey)
    if score is not None:
        survey.status, survey.score, survey.answered_at = SurveyStatus.ANSWERED, score, sent_at
        survey.follow_up = FollowUp.OPEN if score <= SCALES[scale].recovery_at else None
        if comment:
            survey.comment, survey.comment_at = comment, sent_at
        db.session.flush()
        count_answer(survey)
    return survey


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def dashboard_program(make):
    return make.program(country="PL")  # Europe/Warsaw: UTC+1 in March until the 29th


@pytest.fixture
def agents(make, dashboard_program):
    return (make.user(role="agent", programs=[dashboard_program], name="Anna Points"),
            make.user(role="agent", programs=[dashboard_program], name="Borys Parcels"))


@pytest.fixture
def known_cases(make, dashboard_program):
    """The cases of :func:`known_data`, not surveyed yet: five about points, five about parcels."""
    return ([make.case(dashboard_program, category="points") for _ in range(5)],
            [make.case(dashboard_program, category="reward_delivery") for _ in range(5)])


@pytest.fixture
def known_data(make, dashboard_program, agents, known_cases):
    """In the period: 10 sent, 7 answered 5,5,4,2 / 1,3,5; around it, two that must not count."""
    anna, borys = agents
    points, parcels = known_cases
    week1 = [(5, None), (5, None), (4, None), (2, "Too slow, I waited two weeks"), (None, None)]
    for case, (score, comment) in zip(points, week1, strict=True):
        add_survey(case, sent_at=utc(2026, 3, 3, 10), score=score, comment=comment, agent=anna)
    week2 = [(1, "The agent was rude <b>really</b>"), (3, None), (5, "Great, thank you"), (None, None),
             (None, None)]
    for case, (score, comment) in zip(parcels, week2, strict=True):
        add_survey(case, sent_at=utc(2026, 3, 10, 10), score=score, comment=comment, agent=borys,
                   script="Lost parcel v2")
    # 23:30 UTC on the 15th is 00:30 on the 16th in Warsaw: outside; 22:30 UTC is still the 15th: inside
    add_survey(make.case(dashboard_program), sent_at=utc(2026, 3, 15, 23, 30), score=1, agent=anna)
    add_survey(make.case(dashboard_program), sent_at=utc(2026, 2, 28, 12), score=5, agent=anna)
    return points, parcels


@pytest.fixture
def ordered(make, known_cases, request):
    """Orders behind the parcel cases (scores 1, 3, 5 in week 2): the 1 is about headphones (GadgetHub) and a
    coffee maker (HomeGoods), the 3 about headphones, the 5 about a coffee maker; linked before the surveys of
    :func:`known_data` are sent (a test asks for ``ordered`` instead of ``known_data``)."""
    from helpdesk.rewards.delivery import link_order
    from helpdesk.rewards.orders import upsert_order
    from tests.factories import SYSTEM
    from tests.rewards.conftest import order_fields

    _, parcels = known_cases

    def order(case, reward, vendor):
        made, _ = upsert_order(case.program, f"O-{case.number}-{vendor}", order_fields(
            case.participant, reward_name=reward, reward_sku=reward[:8].upper(), vendor=vendor), actor=SYSTEM,
            source="test")
        link_order(case, made, actor=SYSTEM, issue_type="not_delivered")

    order(parcels[0], "Wireless headphones", "GadgetHub")
    order(parcels[0], "Coffee maker", "HomeGoods")
    order(parcels[1], "Wireless headphones", "GadgetHub")
    order(parcels[2], "Coffee maker", "HomeGoods")
    db.session.flush()
    request.getfixturevalue("known_data")
    return parcels
