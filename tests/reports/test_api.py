"""``GET /api/v1/satisfaction/summary``, checked against docs/openapi.yaml."""

import pytest

from tests.api.support import error_of, field_errors
from tests.reports.conftest import PERIOD

PATH = "/satisfaction/summary"
START, END = PERIOD.start.isoformat(), PERIOD.end.isoformat()


def query(program, start=START, end=END):
    return {"program": program.code, "from": start, "to": end}


def test_the_summary_gives_the_dashboards_headline(api, known_data, dashboard_program):
    response = api.get(PATH, query_string=query(dashboard_program))
    assert response.status_code == 200
    assert response.get_json() == {"scale": "1-5", "surveys_sent": 10, "responses": 7, "response_rate": 0.7,
                                   "average": 3.57, "csat_percent": 57.1, "nps": None,
                                   "distribution": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 3}}


def test_a_period_without_surveys_has_nulls_not_zeros(api, dashboard_program):
    body = api.get(PATH, query_string=query(dashboard_program)).get_json()
    assert (body["surveys_sent"], body["response_rate"], body["average"], body["csat_percent"]) == (0, None, None,
                                                                                                    None)


def test_an_unknown_program_or_one_the_token_may_not_see_is_404(api, issue_token, make, dashboard_program):
    assert error_of(api.get(PATH, query_string={**query(dashboard_program), "program": "NOPE"}))["code"] == \
        "not_found"
    scoped = api.as_token(issue_token(make.program()))
    assert scoped.get(PATH, query_string=query(dashboard_program)).status_code == 404
    assert api.get(PATH, query_string={**query(dashboard_program), "program": "X" * 5000}).status_code == 404


@pytest.mark.parametrize(("start", "end", "field"), [
    ("2026-02-30", "2026-03-01", "from"), ("2026-3-1", "2026-03-01", "from"), ("", "2026-03-01", "from"),
    ("2026-03-01", "yesterday", "to"), ("2026-03-01", None, "to"), ("2026-03-10", "2026-03-01", "from"),
    ("2000-01-01", "2026-01-01", "to"), ("٢٠٢٦-٠٣-٠١", "2026-03-02", "from"), ("2026-03-01", "9999-12-31", "to"),
    ("2026-03-01\x00", "2026-03-02", "from"),
])
def test_bad_dates_are_422_naming_the_argument(api, dashboard_program, start, end, field):
    args = {k: v for k, v in query(dashboard_program, start, end).items() if v is not None}
    response = api.get(PATH, query_string=args)
    assert response.status_code == 422 and field in field_errors(response)


def test_the_program_is_required(api):
    response = api.get(PATH, query_string={"from": "2026-03-01", "to": "2026-03-02"})
    assert response.status_code == 422 and "program" in field_errors(response)


def test_the_summary_needs_a_token(api, dashboard_program):
    assert api.as_token(None).get(PATH, query_string=query(dashboard_program)).status_code == 401


RESPONSES = "/satisfaction/responses"


def test_the_responses_are_the_answered_surveys_page_by_page(api, ordered, dashboard_program, agents):
    first = api.get(RESPONSES, query_string={**query(dashboard_program), "limit": 4})
    assert first.status_code == 200
    body = first.get_json()
    assert [item["score"] for item in body["items"]] == [5, 5, 4, 2] and body["next"]
    assert body["items"][3] == {
        "case": body["items"][3]["case"], "score": 2, "scale": "1-5", "comment": "Too slow, I waited two weeks",
        "raw_reply": None, "answered_at": "2026-03-03T10:00:00.000Z", "agent": "Anna Points", "category": "points",
        "reward": None, "vendor": None}
    second = api.get(RESPONSES, query_string={**query(dashboard_program), "limit": 4, "cursor": body["next"]})
    rest = second.get_json()
    assert [item["score"] for item in rest["items"]] == [1, 3, 5] and rest["next"] is None
    assert (rest["items"][0]["reward"], rest["items"][0]["vendor"]) == ("Wireless headphones", "GadgetHub")
    references = [item["case"] for item in body["items"] + rest["items"]]
    assert len(set(references)) == 7 and all(ref.startswith(f"{dashboard_program.code}-") for ref in references)


def test_the_responses_refuse_what_the_summary_refuses_and_a_forged_cursor(api, issue_token, make,
                                                                           dashboard_program):
    assert api.get(RESPONSES, query_string={**query(dashboard_program), "program": "NOPE"}).status_code == 404
    scoped = api.as_token(issue_token(make.program()))
    assert scoped.get(RESPONSES, query_string=query(dashboard_program)).status_code == 404
    assert "from" in field_errors(api.get(RESPONSES, query_string=query(dashboard_program, start="2026-02-30")))
    for cursor in ("nonsense", "WyJuZXh0IiwgWzk5OTk5OTk5OTk5OTk5OTk5OTk5OTldXQ"):
        response = api.get(RESPONSES, query_string={**query(dashboard_program), "cursor": cursor})
        assert response.status_code == 422 and "cursor" in field_errors(response)
    assert "limit" in field_errors(api.get(RESPONSES, query_string={**query(dashboard_program), "limit": 0}))
