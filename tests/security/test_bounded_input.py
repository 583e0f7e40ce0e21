"""Every input is bounded: ids beyond what a column holds and dates outside 1900–2100 answer 404 or 422, never 500."""

import re

import pytest

from tests.conftest import csrf_token
from tests.rewards.conftest import order_fields

HUGE = "99999999999999999999"
JUST_PAST = str(2**31)


INT_ARGUMENT = re.compile(r"<int(\([^)]*\))?:\w+>")


@pytest.mark.parametrize("number", [HUGE, JUST_PAST, "0"])
def test_every_id_in_a_url_beyond_a_column_answers_404(app, admin_client, number):
    token = csrf_token(admin_client, "/cases")
    checked = 0
    for rule in app.url_map.iter_rules():
        path = INT_ARGUMENT.sub(number, rule.rule)
        if path == rule.rule:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = admin_client.open(path, method=method, data={"csrf_token": token},
                                         headers={"Authorization": "Bearer hd_x"} if path.startswith("/api/") else {})
            assert response.status_code in (401, 404, 405), (method, path, response.status_code)
            checked += 1
    assert checked > 25


@pytest.mark.parametrize("query", [
    f"/cases?assignee={HUGE}", "/cases?assignee=%C2%B2",
    "/calls?day_to=9999-12-31", "/calls?day_from=0001-01-01", f"/calls?agent={HUGE}",
    f"/scripts/effectiveness?script={HUGE}", "/scripts/effectiveness?days=%C2%B2",
    f"/cases/new?participant={HUGE}",
    "/reports/satisfaction?from=9999-12-01&to=9999-12-30", "/reports/satisfaction?from=0001-01-01&to=0001-01-02",
    "/reports/satisfaction.csv?from=9999-12-01&to=9999-12-30",
])
def test_query_arguments_out_of_range_are_refused_not_a_server_error(admin_client, make, query):
    make.program()
    response = admin_client.get(query)
    assert response.status_code in (200, 302, 404, 422), (query, response.status_code)  # 200: the page ignores it


def test_an_order_dated_in_year_9999_is_refused_by_the_api(api, make):
    participant = make.participant()
    body = {**order_fields(participant), "ordered_at": "9999-12-31T23:59:59Z"}
    response = api.put(f"/programs/{participant.program.code}/reward-orders/Y9999", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"ordered_at": "must be in the years 1900–2100"}
    late = api.put(f"/programs/{participant.program.code}/reward-orders/Y9999",
                   json={**order_fields(participant), "expected_delivery": "9999-12-31"})
    assert late.get_json()["error"]["fields"] == {"expected_delivery": "must be in the years 1900–2100"}
