"""The audit pages: admins see every entry, managers their programs', agents none; filters, pages, CSV; views
of participant and case pages, sign-in and sign-out are recorded with the client's address."""

import csv
import io

from sqlalchemy import func, select

from helpdesk.audit.models import AuditEvent
from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.participants.services import upsert_participant
from tests.conftest import csrf_token, login
from tests.factories import SYSTEM


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_agents_cannot_read_the_audit_log(agent_client):
    assert agent_client.get("/audit").status_code == 403
    assert agent_client.get("/audit/export.csv").status_code == 403


def test_a_manager_sees_only_the_entries_of_their_programs(client, make, program):
    theirs = make.program()
    ours_participant = make.participant(program, first_name="Ourmember")
    make.participant(theirs, first_name="Othermember")
    login(client, make.user("manager", programs=[program]))
    page = client.get("/audit?action=participant.created").get_data(as_text=True)
    assert f"participant {ours_participant.id}" in page
    assert page.count("Participant created") == 1 + 1  # the entry, and the filter's option


def rows(page: str) -> int:
    """Rows of the audit table (the page has other tables: the keyboard shortcuts)."""
    return page.split('id="audit-events"')[1].split("</table>")[0].count("<tr>")


def test_an_admin_filters_by_program_action_and_actor(client, make, program):
    make.participant(program)
    make.participant(make.program())
    admin = make.user("admin")
    login(client, admin)
    page = client.get(f"/audit?program={program.code}&action=participant.created&actor=Test").get_data(as_text=True)
    assert rows(page) == 2  # the header and the one entry
    assert client.get("/audit?action=nonsense").status_code == 302  # a bad filter: why, and the unfiltered log


def test_pages_follow_each_other_by_cursor(client, make, program):
    for n in range(30):
        with unit_of_work():
            upsert_participant(program, f"PAGE-{n}", {"first_name": f"N{n}"}, actor=SYSTEM)
    login(client, make.user("admin"))
    first = client.get("/audit?action=participant.created").get_data(as_text=True)
    assert rows(first) == 26 and "Older" in first


def test_the_csv_export_streams_the_filtered_rows_and_is_recorded_with_its_count(client, make, program):
    make.participant(program)
    make.participant(program)
    login(client, make.user("admin"))
    response = client.get(f"/audit/export.csv?program={program.code}&action=participant.created")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv" and len(rows) == 2
    assert {row["action"] for row in rows} == {"participant.created"} and rows[0]["program"] == program.code
    export = events("export.csv")[-1]
    assert export.details["rows"] == 2 and export.details["complete"] is True
    assert export.details["file"].startswith("audit-") and export.details["filters"]["program"] == program.code


def test_viewing_a_participant_or_a_case_page_is_recorded(agent_client, agent, make, program):
    case = make.case(program)
    assert agent_client.get(f"/cases/{case.id}").status_code == 200
    assert agent_client.get(f"/participants/{case.participant_id}").status_code == 200
    viewed_case, viewed_participant = events("case.viewed")[-1], events("participant.viewed")[-1]
    assert (viewed_case.actor_name, viewed_case.target_id, viewed_case.program_id) == (
        agent.email, str(case.id), program.id)
    assert viewed_participant.target_id == str(case.participant_id)
    assert viewed_case.ip_address == "127.0.0.1" and viewed_case.user_agent


def test_sign_in_and_sign_out_are_recorded(client, agent):
    client.post("/login", data={"email": agent.email, "password": "wrong", "csrf_token": csrf_token(client)})
    login(client, agent)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("auth.%")).order_by(AuditEvent.id))] == [
        "auth.sign_in_failed", "auth.signed_in", "auth.signed_out"]
    failed = events("auth.sign_in_failed")[0]
    assert (failed.actor_type, failed.actor_name, failed.target_id) == ("anonymous", agent.email, str(agent.id))


def test_an_admin_changing_a_user_is_recorded_with_old_and_new_values(client, make, program):
    admin = make.user("admin")
    user = make.user("agent", programs=[program])
    login(client, admin)
    client.post(f"/users/{user.id}", data={"name": user.name, "role": "manager", "active": "y",
                                           "programs": [program.id], "csrf_token": csrf_token(client, "/users")})
    changed = events("user.changed")[-1]
    assert changed.changes == {"role": ["agent", "manager"]} and changed.actor_name == admin.email
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "user.changed")) == 1


def test_the_satisfaction_and_problem_rewards_exports_are_recorded(client, make, program):
    login(client, make.user("manager", programs=[program]))
    satisfaction = client.get(f"/reports/satisfaction.csv?program={program.code}")
    assert satisfaction.status_code == 200 and satisfaction.get_data(as_text=True).startswith("case,")
    problems = client.get(f"/rewards/problem-rewards?program={program.code}&format=csv")
    assert problems.status_code == 200
    files = [e.details["file"] for e in events("export.csv")]
    assert files[0].startswith(f"satisfaction-{program.code}-") and files[1].startswith("problem-")
    assert all(e.program_id == program.id and e.details["complete"] for e in events("export.csv"))
