"""The dashboard's figures on known data."""

from datetime import date

import pytest

from helpdesk.extensions import db
from helpdesk.reports.dashboard import dashboard
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import summary, weekly
from helpdesk.surveys.models import ALL_SCORES, SurveyDay
from helpdesk.surveys.stats import rebuild_days
from tests.reports.conftest import PERIOD


def test_the_headline_figures_of_the_period(known_data, dashboard_program):
    figures = summary(dashboard_program, PERIOD)
    assert (figures.sent, figures.responses) == (10, 7)
    assert figures.response_rate == pytest.approx(0.7)
    assert figures.average == pytest.approx(25 / 7)
    assert figures.csat_percent == pytest.approx(400 / 7)
    assert figures.distribution == {1: 1, 2: 1, 3: 1, 4: 1, 5: 3}


def test_a_survey_counts_on_its_local_day_not_its_utc_day(known_data, dashboard_program):
    assert summary(dashboard_program, Period(date(2026, 3, 16), date(2026, 3, 16))).sent == 1
    assert summary(dashboard_program, Period(date(2026, 2, 28), date(2026, 3, 16))).sent == 12


def test_weekly_trend_has_every_week_of_the_period(known_data, dashboard_program):
    weeks = weekly(dashboard_program, Period(date(2026, 3, 2), date(2026, 3, 22)))
    assert [monday for monday, _ in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    first, second, third = (f for _, f in weeks)
    assert (first.sent, first.responses, first.csat_percent) == (5, 4, 75.0)
    assert (second.sent, second.responses) == (5, 3) and second.csat_percent == pytest.approx(100 / 3)
    assert (third.sent, third.csat_percent) == (1, 0.0)


def test_by_agent_category_and_script_version(known_data, dashboard_program):
    board = dashboard(dashboard_program, PERIOD)
    agents = {name: (f.sent, f.responses, f.average) for name, f in board.agents}
    assert agents == {"Anna Points": (5, 4, 4.0), "Borys Parcels": (5, 3, 3.0)}
    categories = {name: f.csat_percent for name, f in board.categories}
    assert categories == {"Points": 75.0, "Reward delivery": pytest.approx(100 / 3)}
    scripts = {name: f.sent for name, f in board.scripts}
    assert scripts == {"Lost parcel v2": 5, "No script": 5}


def test_latest_comments_put_low_scores_first(known_data, dashboard_program):
    comments = dashboard(dashboard_program, PERIOD).comments
    assert [(s.score, s.comment) for s in comments] == [
        (1, "The agent was rude <b>really</b>"), (2, "Too slow, I waited two weeks"), (5, "Great, thank you")]


def test_a_period_without_surveys_has_no_averages(dashboard_program):
    figures = summary(dashboard_program, PERIOD)
    assert (figures.sent, figures.response_rate, figures.average, figures.csat_percent) == (0, None, None, None)


def test_rebuilding_the_daily_totals_gives_the_running_totals(ordered, dashboard_program):
    def rows():
        return sorted((r.dimension, r.day, r.key, r.scale, r.sent, r.responses, r.score_sum, r.unclear,
                       *(getattr(r, f"score_{n}") for n in ALL_SCORES))
                      for r in db.session.query(SurveyDay).filter_by(program_id=dashboard_program.id))

    running = rows()
    assert {("reward", "Coffee maker"), ("vendor", "GadgetHub")} <= {(row[0], row[2]) for row in running}
    assert rebuild_days(dashboard_program.id) == len(running)
    db.session.expire_all()
    assert rows() == running
