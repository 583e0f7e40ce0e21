"""A program on the 0-10 scale: CSAT counts 9s and 10s, NPS is promoters (9-10) minus detractors (0-6), and
the figures of surveys asked on 1-5 before the switch are not mixed in. Known data, through the counting code."""

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.reports.queries import Figures, summary
from helpdesk.surveys.models import SCALES, SurveyDay, SurveySettings
from helpdesk.surveys.stats import rebuild_days
from tests.conftest import login
from tests.reports.conftest import PERIOD, add_survey, utc

SCORES_0_10 = [10, 10, 9, 9, 8, 7, 6, 2]  # 4 promoters, 2 passives, 2 detractors; mean 7.625


@pytest.fixture
def ten_point_program(make):
    program = make.program(country="PL")
    db.session.add(SurveySettings(program_id=program.id, scale=10, texts={}))
    db.session.flush()
    return program


@pytest.fixture
def ten_point_data(make, ten_point_program):
    """8 answers on 0-10 and 2 unanswered, 2 replies not understood; and, before the switch, a 1-5 answer."""
    for score in [*SCORES_0_10, None, None]:
        add_survey(make.case(ten_point_program), sent_at=utc(2026, 3, 4, 10), score=score, scale=10)
    add_survey(make.case(ten_point_program), sent_at=utc(2026, 3, 5, 10), scale=10, unclear=2)
    add_survey(make.case(ten_point_program), sent_at=utc(2026, 3, 3, 10), score=1, scale=5)


def test_nps_csat_and_average_on_the_0_to_10_scale(ten_point_program, ten_point_data):
    figures = summary(ten_point_program, PERIOD)
    assert (figures.sent, figures.responses) == (11, 8)
    assert figures.nps == 25.0 and figures.csat_percent == 50.0 and figures.average == 7.625
    assert figures.distribution == {0: 0, 1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1, 9: 2, 10: 2}
    assert figures.unclear_percent == 20.0  # 2 of the 10 replies to the question


def test_on_one_to_five_csat_counts_fours_and_fives_and_there_is_no_nps():
    figures = Figures(SCALES[5], sent=4, responses=4, score_sum=14, distribution={5: 1, 4: 2, 2: 1})
    assert (figures.csat_percent, figures.nps, list(figures.distribution)) == (75.0, None, [1, 2, 3, 4, 5])


def test_nps_runs_from_minus_100_to_100():
    all_detractors = Figures(SCALES[10], sent=3, responses=3, distribution={0: 1, 5: 1, 6: 1})
    all_promoters = Figures(SCALES[10], sent=2, responses=2, distribution={9: 1, 10: 1})
    assert (all_detractors.nps, all_promoters.nps, (all_detractors + all_promoters).nps) == (-100, 100, -20)


def test_the_summary_api_reports_the_scale_and_nps(api, ten_point_program, ten_point_data):
    body = api.get("/satisfaction/summary", query_string={"program": ten_point_program.code,
                                                         "from": PERIOD.start.isoformat(),
                                                         "to": PERIOD.end.isoformat()}).get_json()
    assert (body["scale"], body["nps"], body["csat_percent"], body["average"]) == ("0-10", 25.0, 50.0, 7.62)
    assert body["distribution"] == {str(n): c for n, c in summary(ten_point_program, PERIOD).distribution.items()}


def test_the_dashboard_shows_nps_and_the_share_not_understood(client, make, ten_point_program, ten_point_data):
    login(client, make.user(role="manager", programs=[ten_point_program]))
    page = client.get("/reports/satisfaction", query_string={"program": ten_point_program.code,
                                                             "from": PERIOD.start.isoformat(),
                                                             "to": PERIOD.end.isoformat()}).get_data(as_text=True)
    assert 'data-figure="nps">+25<' in page and 'data-figure="csat">50.0 %<' in page
    assert 'data-figure="unclear">20.0 %<' in page and "0–10" in page
    assert '<th class="text-end">NPS</th>' in page and '<td class="text-end">+25</td>' in page  # by category


def test_rebuilt_totals_keep_the_scales_and_the_replies_not_understood_apart(ten_point_program, ten_point_data):
    def rows():
        return sorted(db.session.execute(select(SurveyDay.day, SurveyDay.dimension, SurveyDay.key, SurveyDay.scale,
                                                SurveyDay.sent, SurveyDay.unclear, SurveyDay.score_10,
                                                SurveyDay.score_1)).all())
    counted = rows()
    rebuild_days(ten_point_program.id)
    assert rows() == counted and any(row.scale == 5 for row in counted)


def test_the_target_defaults_to_the_scales_own_and_must_lie_on_it(ten_point_program, ten_point_data):
    from helpdesk.errors import ValidationError
    from helpdesk.reports.dashboard import dashboard
    from helpdesk.surveys.settings import update_survey_settings
    from tests.factories import SYSTEM

    assert dashboard(ten_point_program, PERIOD).target == 9.5
    with pytest.raises(ValidationError) as error:
        update_survey_settings(ten_point_program, enabled=True, delay_minutes=None, quiet_hours=None,
                               fatigue_days=None, texts={}, target="10.5", actor=SYSTEM)
    assert error.value.fields == {"target": "must be an average score from 0 to 10, such as 9.5"}
    update_survey_settings(ten_point_program, enabled=True, delay_minutes=None, quiet_hours=None,
                           fatigue_days=None, texts={}, target="8,5", actor=SYSTEM)
    assert dashboard(ten_point_program, PERIOD).target == 8.5


def test_a_filtered_dashboard_counts_only_the_surveys_of_the_programs_scale(ten_point_program, ten_point_data):
    from helpdesk.reports.dashboard import dashboard
    from helpdesk.reports.slices import Filters

    figures = dashboard(ten_point_program, PERIOD, Filters(category="reward_delivery")).totals
    assert figures.scale.top == 10 and (figures.sent, figures.responses) == (11, 8)  # not the 1-5 survey
    assert (figures.nps, figures.csat_percent, figures.unclear_percent) == (25.0, 50.0, 20.0)


def test_the_responses_api_and_the_csv_name_each_surveys_scale(make, client, api, ten_point_program, ten_point_data):
    import csv
    import io

    body = api.get("/satisfaction/responses", query_string={"program": ten_point_program.code,
                                                             "from": "2026-03-02", "to": "2026-03-15"}).get_json()
    assert sorted((item["scale"], item["score"]) for item in body["items"]) == sorted(
        [("0-10", score) for score in SCORES_0_10] + [("1-5", 1)])
    login(client, make.user(role="manager", programs=[ten_point_program]))
    export = client.get("/reports/satisfaction.csv", query_string={"program": ten_point_program.code,
                                                                   "from": "2026-03-02", "to": "2026-03-15"})
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert sorted(row["score"] for row in rows if row["scale"] == "0-10" and row["score"]) == sorted(
        str(score) for score in SCORES_0_10)
    assert [row["score"] for row in rows if row["scale"] == "1-5"] == ["1"]


def test_the_weekly_mail_of_a_0_to_10_program_gives_its_nps(ten_point_program, ten_point_data):
    from datetime import date

    from helpdesk.reports.mailing import render_weekly_mail
    from helpdesk.reports.weekly_report import weekly_report

    report = weekly_report(ten_point_program, date(2026, 3, 2), now=utc(2026, 3, 9, 8))
    mail = render_weekly_mail(report, "manager@example.com", "en")
    lines = mail.text.splitlines()
    assert "- Average score (0–10): 7.62 (target 9.50, last week —) BELOW TARGET" in lines
    assert "- CSAT (9–10): 50 % (last week —)" in lines and "- NPS: +25 (last week —)" in lines
    assert 'data-figure="nps">+25<' in mail.html
