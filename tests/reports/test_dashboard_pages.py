"""The dashboard's new parts as the manager sees them: changes, target, reward and vendor tables, filters, the
CSV's raw reply, all my programs, and the target in the survey settings."""

import csv
import io

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.surveys.models import Survey
from tests.conftest import csrf_token, login
from tests.reports.test_views import QUERY, manager_of


def page(client, program, **args):
    response = client.get("/reports/satisfaction", query_string={"program": program.code, **QUERY, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_headline_shows_the_change_and_the_target(make, client, known_data, dashboard_program):
    manager_of(make, client, dashboard_program)
    html = page(client, dashboard_program)
    assert 'text-danger" data-figure="average">3.57</div>' in html  # under the target
    average_card = html.split('data-figure-change="average">')[1].split("</div>")[0]
    assert "▼ 1.43" in average_card and "text-danger" in average_card  # 3.57 against the 5.00 before
    assert 'data-figure="target">target 4.80</div>' in html
    assert "Target 4.80" in html.split('id="chart-trend"')[1].split("</figure>")[0]  # the target on the trend
    assert "2/16/2026 to 3/1/2026" in html


def test_the_tables_by_reward_and_vendor_and_a_filter(make, client, ordered, dashboard_program):
    manager_of(make, client, dashboard_program)
    html = page(client, dashboard_program)
    assert "Wireless headphones" in html.split('id="by-reward"')[1].split("</table>")[0]
    assert "HomeGoods" in html.split('id="by-vendor"')[1].split("</table>")[0]
    filtered = page(client, dashboard_program, vendor="GadgetHub")
    assert 'data-figure="sent">2</div>' in filtered and 'data-figure="average">2.00</div>' in filtered
    assert 'name="vendor" value="GadgetHub"' in filtered and "vendor=GadgetHub" in filtered  # kept for the CSV
    refused = client.get("/reports/satisfaction", query_string={"program": dashboard_program.code,
                                                                "category": "nonsense"}, follow_redirects=True)
    assert "Filters: category: is not a category" in refused.get_data(as_text=True)


def test_the_csv_has_the_raw_reply_beside_the_score_and_the_cases_reward(make, client, ordered, dashboard_program):
    first = ordered[0]
    db.session.scalar(select(Survey).where(Survey.case_id == first.id)).raw_reply = "1 bo nikt nie oddzwonił"
    manager_of(make, client, dashboard_program)
    body = client.get("/reports/satisfaction.csv", query_string={"program": dashboard_program.code, **QUERY,
                                                                 "reward": "Coffee maker"}).get_data(as_text=True)
    rows = {row["case"]: row for row in csv.DictReader(io.StringIO(body))}
    assert set(rows) == {ordered[0].reference, ordered[2].reference}
    row = rows[first.reference]
    assert (row["score"], row["raw_reply"], row["reward"], row["vendor"]) == (
        "1", "1 bo nikt nie oddzwonił", "Wireless headphones", "GadgetHub")  # the first linked order
    assert rows[ordered[2].reference]["raw_reply"] == ""  # answered without the webhook: no reply on record
    assert row["scale"] == "1-5"


def test_all_my_programs_lists_only_the_managers_programs(make, client, known_data, dashboard_program):
    mine, hidden = make.program(name="Second <club>"), make.program(name="Not mine")
    login_as = make.user(role="manager", programs=[dashboard_program, mine])
    login(client, login_as)
    html = client.get("/reports/satisfaction/programs", query_string=QUERY).get_data(as_text=True)
    assert "Second &lt;club&gt;" in html and "Not mine" not in html and hidden.code not in html
    row = html.split(f'data-program="{dashboard_program.code}"')[1].split("</tr>")[0]
    assert 'data-figure="average">3.57' in row and "text-danger" in row  # under the 4.80 target
    assert 'data-figure="csat">57.1 %' in html.split('id="all-programs-total-5"')[1]


def test_the_manager_sets_the_target_in_the_survey_settings(make, client, dashboard_program):
    manager_of(make, client, dashboard_program)
    url = f"/surveys/settings/{dashboard_program.code}"
    form = {"csrf_token": csrf_token(client, url), "enabled": "y", "delay_minutes": "60", "quiet_hours": "",
            "fatigue_days": "30", "target": "4,6"}
    assert client.post(url, data=form).status_code == 302
    assert 'value="4.6"' in client.get(url).get_data(as_text=True)
    assert 'data-figure="target">target 4.60</div>' in page(client, dashboard_program)
    refused = client.post(url, data={**form, "target": "7"})
    assert refused.status_code == 422 and "must be an average score from 1 to 5" in refused.get_data(as_text=True)
