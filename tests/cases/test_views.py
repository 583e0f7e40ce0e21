import html
import re

import pytest

from helpdesk.cases.models import Case, CaseEvent, Status
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from tests.conftest import csrf_token, login


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/cases")})


def test_every_page_but_sign_in_needs_a_session(client, make, program):
    case = make.case(program)
    for url in ("/cases", f"/cases/{case.id}", "/search?q=x", "/cases/new", "/no-such-page"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_the_queue_lists_only_the_agents_programs(agent_client, make, program):
    mine, foreign = make.case(program, subject="Own program case"), make.case(make.program(), subject="Foreign case")
    page = agent_client.get("/cases?queue=open").get_data(as_text=True)
    assert mine.reference in page and foreign.reference not in page


def test_an_agent_gets_404_for_another_programs_case_and_participant(agent_client, make):
    foreign = make.case(make.program())
    assert agent_client.get(f"/cases/{foreign.id}").status_code == 404
    assert agent_client.get(f"/participants/{foreign.participant_id}").status_code == 404
    assert post(agent_client, f"/cases/{foreign.id}/notes", {"body": "hi"}).status_code == 404


def test_a_form_post_without_csrf_token_is_refused(agent_client, make, program):
    case = make.case(program)
    response = agent_client.post(f"/cases/{case.id}/notes", data={"body": "no token"})
    assert response.status_code == 400
    assert db.session.query(CaseEvent).filter_by(case_id=case.id, kind="note").count() == 0


def test_an_agent_adds_a_note_and_resolves_a_case(agent_client, make, program, agent):
    case = make.case(program)
    assert post(agent_client, f"/cases/{case.id}/notes", {"body": "Reshipped <b>today</b>"}).status_code == 302
    response = post(agent_client, f"/cases/{case.id}/update",
                    {"status": "resolved", "priority": "normal", "assignee": str(agent.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == Status.RESOLVED
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Reshipped &lt;b&gt;today&lt;/b&gt;" in page


def test_reopening_a_closed_case_is_refused_with_the_reason(agent_client, make, program):
    case = make.case(program)
    post(agent_client, f"/cases/{case.id}/update", {"status": "closed", "priority": "normal", "assignee": ""})
    response = post(agent_client, f"/cases/{case.id}/update", {"status": "open", "priority": "normal", "assignee": ""})
    assert response.status_code == 409
    assert "closed case cannot become open" in response.get_data(as_text=True)


def test_an_unknown_status_is_a_form_error(agent_client, make, program):
    case = make.case(program)
    response = post(agent_client, f"/cases/{case.id}/update", {"status": "frozen", "priority": "normal"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)


def test_taking_a_case_puts_it_in_my_cases(agent_client, make, program):
    case = make.case(program, subject="Points missing in October")
    assert post(agent_client, f"/cases/{case.id}/take", {}).status_code == 302
    assert case.reference in agent_client.get("/cases?queue=mine").get_data(as_text=True)


def test_a_new_case_for_a_new_participant_creates_both(agent_client, program):
    response = post(agent_client, "/cases/new", {
        "program": program.code, "external_id": "NEW-1", "first_name": "Ewa", "last_name": "Mazur",
        "phone": "601 234 567", "channel": "phone", "category": "points", "priority": "high",
        "subject": "Points missing"})
    assert response.status_code == 302
    participant = db.session.query(Participant).filter_by(external_id="NEW-1").one()
    assert participant.phone == "+48601234567"
    assert db.session.query(Case).filter_by(participant_id=participant.id).one().subject == "Points missing"


def test_a_bad_phone_on_a_new_case_names_the_field_and_saves_nothing(agent_client, program):
    response = post(agent_client, "/cases/new", {
        "program": program.code, "external_id": "NEW-2", "first_name": "Ewa", "phone": "12",
        "channel": "phone", "category": "points", "priority": "normal", "subject": "Points missing"})
    assert response.status_code == 422 and "not a phone number" in response.get_data(as_text=True)
    assert db.session.query(Participant).filter_by(external_id="NEW-2").count() == 0
    assert db.session.query(Case).filter_by(subject="Points missing").count() == 0


@pytest.mark.parametrize("query", ["' OR 1=1 --", "%", "_%_", "a\x00b", "x" * 5000, "<script>alert(1)</script>",
                                   "\"*) OR (", "NEAR(", "+48", "#", "AURORA-", "😀"])
def test_hostile_search_strings_never_fail_and_are_shown_escaped(agent_client, make, program, query):
    make.case(program)
    response = agent_client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_a_bad_filter_value_is_reported_not_a_crash(agent_client):
    response = agent_client.get("/cases?queue=open&status=bogus", follow_redirects=True)
    assert response.status_code == 200 and "unknown value" in response.get_data(as_text=True)
    assert agent_client.get("/cases?queue=open&cursor=garbage!", follow_redirects=True).status_code == 200


def test_the_queue_pages_through_every_case_once(agent_client, make, program):
    created = {make.case(program).reference for _ in range(30)}
    seen, url = [], "/cases?queue=open"
    while url:
        page = agent_client.get(url).get_data(as_text=True)
        seen += [ref for ref in created if f">{ref}<" in page]
        next_link = re.search(r'rel="next"[^>]*href="([^"]+)"', page)
        url = html.unescape(next_link.group(1)) if next_link else None
    assert sorted(seen) == sorted(created)


def test_managers_see_program_settings_agents_do_not(client, make, program):
    manager = make.user("manager", programs=[program])
    agent = make.user("agent", programs=[program])
    login(client, agent)
    assert client.get(f"/programs/{program.code}/settings").status_code == 403
    post(client, "/logout", {})
    login(client, manager)
    assert client.get(f"/programs/{program.code}/settings").status_code == 200


def test_a_forged_cursor_with_a_huge_number_is_refused_not_a_crash(agent_client):
    from helpdesk.pagination import encode_cursor

    response = agent_client.get("/cases?queue=open&cursor=" + encode_cursor([10**30]), follow_redirects=True)
    assert response.status_code == 200 and "not a valid page cursor" in response.get_data(as_text=True)
