"""The manager's pages: the dashboard with its charts, the CSV export, "this week"."""

import csv
import io
from datetime import timedelta

from flask import render_template_string
from flask_babel import force_locale

from helpdesk.database import utcnow
from helpdesk.reports.periods import today_in
from helpdesk.reports.series import Series, lazy_label
from helpdesk.reports.weekly import change_of, ranked_changes
from tests.conftest import login
from tests.reports.conftest import PERIOD, add_survey

QUERY = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}


def manager_of(make, client, program):
    login(client, make.user(role="manager", programs=[program]))
    return client


def test_the_dashboard_shows_the_figures_and_server_rendered_charts(make, client, known_data, dashboard_program):
    manager_of(make, client, dashboard_program)
    page = client.get("/reports/satisfaction", query_string={"program": dashboard_program.code, **QUERY})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for figure, value in (("sent", "10"), ("response-rate", "70 %"), ("average", "3.57"), ("csat", "57.1 %")):
        assert f'data-figure="{figure}">{value}</div>' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3 and "<?xml" not in html
    charts = [part.split("</figure>")[0] for part in html.split('<figure class="chart')[1:]]
    assert len(charts) == 3 and not any("<script" in chart for chart in charts)  # no JavaScript
    assert all("<figcaption" in chart for chart in charts)  # each chart says what it shows, in words
    assert "<td>5</td>" in charts[0] and "Week of" in charts[1]  # and its figures, as a table
    assert "rude &lt;b&gt;really&lt;/b&gt;" in html and "Anna Points" in html and "Lost parcel v2" in html


def test_agents_do_not_see_the_dashboard(agent_client):
    assert agent_client.get("/reports/satisfaction").status_code == 403


def test_a_manager_sees_only_the_programs_they_serve(make, client, dashboard_program):
    manager_of(make, client, make.program())
    assert client.get("/reports/satisfaction", query_string={"program": dashboard_program.code}).status_code == 404


def test_a_bad_period_is_explained_and_the_default_shown(make, client, dashboard_program):
    manager_of(make, client, dashboard_program)
    response = client.get("/reports/satisfaction", query_string={"program": dashboard_program.code,
                                                                 "from": "2026-02-30"}, follow_redirects=True)
    assert response.status_code == 200 and "Period: is not a date in the calendar" in response.get_data(as_text=True)


def test_the_csv_export_streams_every_response_of_the_period(make, client, known_data, dashboard_program):
    manager_of(make, client, dashboard_program)
    response = client.get("/reports/satisfaction.csv", query_string={"program": dashboard_program.code, **QUERY})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 10 and sorted(r["score"] for r in rows) == ["", "", "", "1", "2", "3", "4", "5", "5", "5"]
    assert {r["agent"] for r in rows} == {"Anna Points", "Borys Parcels"}


def test_the_csv_export_defuses_formulas_in_comments(make, client, dashboard_program):
    add_survey(make.case(dashboard_program), sent_at=utcnow(), score=1, comment='=HYPERLINK("http://evil")')
    manager_of(make, client, dashboard_program)
    body = client.get("/reports/satisfaction.csv", query_string={"program": dashboard_program.code}).get_data(
        as_text=True)
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["comment"] == "'=HYPERLINK(\"http://evil\")"


def test_a_drop_in_one_category_ranks_above_steady_figures():
    steady = Series("CSAT overall", "rate", [(90, 100)] * 5)
    dropped = Series("CSAT in Points", "rate", [(45, 50)] * 4 + [(30, 50)])
    grew = Series("Delivery cases for Headphones", "count", [(4, 1)] * 4 + [(15, 1)])
    few = Series("CSAT for Ola", "rate", [(4, 4)] * 4 + [(1, 3)])  # too few answers this week
    changes = {c.label: c for c in map(change_of, (steady, dropped, grew, few)) if c is not None}
    assert set(changes) == {"CSAT overall", "CSAT in Points", "Delivery cases for Headphones"}
    assert changes["CSAT in Points"].direction == "down" and changes["CSAT in Points"].surprise < -5
    assert changes["Delivery cases for Headphones"].direction == "up"
    assert abs(changes["CSAT overall"].surprise) < 1


def test_a_series_label_is_written_in_the_language_that_shows_it_and_escaped_in_html(app):
    label = lazy_label("CSAT %(which)s", which=lazy_label("for %(agent)s", agent="<b>Ola</b>"))
    with force_locale("pl"):
        assert str(label) == "CSAT dla: <b>Ola</b>"
        assert render_template_string("{{ label }}", label=label) == "CSAT dla: &lt;b&gt;Ola&lt;/b&gt;"
    assert str(label) == "CSAT for <b>Ola</b>"


def test_this_week_puts_first_what_changed_most(make, client, dashboard_program, agents):
    anna, _ = agents
    now = utcnow()
    for weeks_ago in range(1, 5):  # four ordinary weeks: points cases rated 5
        for _ in range(5):
            case = make.case(dashboard_program, category="points")
            case.created_at = now - timedelta(weeks=weeks_ago)
            add_survey(case, sent_at=case.created_at, score=5, agent=anna)
    for _ in range(6):  # this week: points cases rated 1
        add_survey(make.case(dashboard_program, category="points"), sent_at=now - timedelta(hours=1), score=1,
                   agent=anna)
    changes = ranked_changes(dashboard_program, today_in(dashboard_program))
    assert changes[0].kind == "rate" and changes[0].direction == "down"
    assert {c.label for c in changes[:3]} >= {"CSAT overall", "CSAT in Points", "CSAT for Anna Points"}
    manager_of(make, client, dashboard_program)
    html = client.get("/reports/satisfaction/this-week", query_string={"program": dashboard_program.code})
    assert html.status_code == 200 and "CSAT in Points" in html.get_data(as_text=True)
