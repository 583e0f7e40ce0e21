"""Agents look codes up from the search box and the case page; a "code not accepted" case records its code."""

import pytest
from sqlalchemy import select

from helpdesk.cases.models import CaseEvent
from helpdesk.codes.services import case_code, record_case_code, upsert_code
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.scripts.merge_fields import render_text, resolve_values
from tests.conftest import csrf_token, login
from tests.factories import SYSTEM


@pytest.fixture
def used_code(make, program):
    participant = make.participant(program, first_name="Łucja", last_name="Wiśniewska")
    return upsert_code(program, "AB12 CD34", {"status": "used", "points": 50, "participant_external_id":
                                              participant.external_id, "used_at": utcnow()}, actor=SYSTEM)[0]


def test_a_code_typed_in_the_search_box_opens_its_look_up(agent_client, used_code):
    response = agent_client.get("/search?q=ab12cd34")
    assert response.status_code == 302 and response.headers["Location"].startswith("/codes/lookup?q=ab12cd34")
    page = agent_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "AB12 CD34" in page and "Used" in page and "Łucja Wiśniewska" in page and "50" in page


def test_the_look_up_page_offers_the_closest_codes_for_an_unknown_one(agent_client, used_code):
    page = agent_client.get("/codes/lookup?q=AB12CO34").get_data(as_text=True)
    assert "Unknown code" in page and "<strong>AB12 CD34</strong>" in page


def test_another_programs_codes_stay_out_of_reach(client, make, used_code):
    login(client, make.user(role="agent", programs=[make.program()]))
    assert client.get("/search?q=AB12CD34").status_code != 302
    assert "AB12 CD34" not in client.get("/codes/lookup?q=AB12CD34").get_data(as_text=True)


def test_the_case_page_looks_a_code_up_and_records_it_on_a_code_not_accepted_case(agent_client, make, program,
                                                                                   used_code, agent):
    case = make.case(program, category="code_not_accepted", subject="Kod nie przyjęty")
    db.session.commit()
    page = agent_client.get(f"/cases/{case.id}?code=ab12cd34").get_data(as_text=True)
    assert 'id="code"' in page and "Łucja Wiśniewska" in page and "Record ab12cd34 on this case" in page
    recorded = agent_client.post(f"/codes/cases/{case.id}", data={
        "value": "ab12cd34", "csrf_token": csrf_token(agent_client, "/cases")})
    assert recorded.status_code == 303
    db.session.expire_all()
    assert case_code(case) == "ab12cd34"
    assert db.session.scalar(select(CaseEvent.data).where(CaseEvent.kind == "code_recorded")) == {
        "value": "ab12cd34", "old": None}
    values = resolve_values(case, agent)
    assert str(render_text("Kod {{ code.value }}: {{ code.status }}, {{ code.used_by }}", values)) == (
        "Kod AB12 CD34: used, Łucja Wiśniewska")


def test_an_unrecorded_case_has_no_code_merge_values_and_an_unknown_code_says_so(make, program, agent):
    case = make.case(program, category="code_not_accepted")
    assert resolve_values(case, agent)["code"] == {}
    record_case_code(case, "NOPE-1", actor=SYSTEM)
    assert resolve_values(case, agent)["code"] == {"value": "NOPE-1", "status": "unknown"}
