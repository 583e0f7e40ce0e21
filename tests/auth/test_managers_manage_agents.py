"""A manager invites, changes and deactivates the agents of their own programs, and nobody else."""

import pytest

from helpdesk.audit.models import AuditEvent
from helpdesk.auth.models import User
from helpdesk.auth.services import create_user, update_user
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from tests.conftest import csrf_token, login


@pytest.fixture
def manager_client(client, make, program):
    login(client, make.user("manager", programs=[program]))
    return client


def invite(client, *, role="agent", programs):
    return client.post("/users/new", data={
        "email": "invited@example.com", "name": "Invited Agent", "role": role, "programs": programs,
        "password": "long enough pw", "csrf_token": csrf_token(client, "/users")})


def edit(client, user, *, active=True, programs=None, role="agent"):
    data = {"name": user.name, "role": role, "programs": programs or [p.id for p in user.programs],
            "csrf_token": csrf_token(client, "/users")}
    if active:
        data["active"] = "y"
    return client.post(f"/users/{user.id}", data=data)


def invited():
    return db.session.query(User).filter_by(email="invited@example.com").one_or_none()


def test_a_manager_invites_an_agent_to_their_program_and_it_is_audited(manager_client, program):
    assert invite(manager_client, programs=[program.id]).status_code == 302
    user = invited()
    assert user.role == "agent" and user.programs == [program]
    event = db.session.query(AuditEvent).filter_by(action="user.created", target_id=str(user.id)).one()
    assert event.actor_name.startswith("manager")


def test_a_manager_cannot_invite_a_manager_or_an_admin(manager_client, program):
    for role in ("manager", "admin"):
        assert invite(manager_client, role=role, programs=[program.id]).status_code == 422
    assert invited() is None


def test_a_manager_cannot_give_an_agent_a_program_they_do_not_serve(manager_client, make, program):
    other = make.program()
    response = invite(manager_client, programs=[program.id, other.id])
    assert response.status_code == 422 and invited() is None


def test_an_agent_invited_by_a_manager_needs_one_of_their_programs(manager_client):
    response = invite(manager_client, programs=[])
    assert response.status_code == 422 and "at least one of your programs" in response.get_data(as_text=True)
    assert invited() is None


def test_deactivating_an_agent_ends_their_sessions(app, manager_client, make, program):
    agent = make.user(programs=[program])
    db.session.commit()
    agent_browser = app.test_client()
    login(agent_browser, agent)
    assert agent_browser.get("/cases").status_code == 200
    assert edit(manager_client, agent, active=False).status_code == 302
    assert agent_browser.get("/cases").status_code == 302
    assert db.session.get(User, agent.id).active is False
    assert db.session.query(AuditEvent).filter_by(action="user.changed", target_id=str(agent.id)).count() == 1


def test_the_agent_list_of_a_manager_shows_only_the_agents_of_their_programs(manager_client, make, program):
    ours, theirs = make.user(programs=[program]), make.user(programs=[make.program()])
    colleague = make.user("manager", programs=[program])
    page = manager_client.get("/users").get_data(as_text=True)
    assert ours.email in page and theirs.email not in page and colleague.email not in page


def test_an_agent_of_another_program_is_missing_to_a_manager(manager_client, make):
    theirs = make.user(programs=[make.program()])
    assert manager_client.get(f"/users/{theirs.id}").status_code == 404
    assert edit(manager_client, theirs, active=False).status_code == 404
    assert db.session.get(User, theirs.id).active is True


def test_a_manager_cannot_change_another_manager_and_is_told_why(manager_client, make, program):
    colleague = make.user("manager", programs=[program])
    response = edit(manager_client, colleague, active=False)
    assert response.status_code == 403 and "only an administrator" in response.get_data(as_text=True)
    assert db.session.get(User, colleague.id).active is True


def test_a_manager_cannot_deactivate_an_agent_who_also_serves_another_program(manager_client, make, program):
    other = make.program()
    shared = make.user(programs=[program, other])
    response = edit(manager_client, shared, active=False, programs=[program.id])
    assert response.status_code == 403 and other.code in response.get_data(as_text=True)
    assert db.session.get(User, shared.id).active is True


def test_a_manager_signs_out_their_agent_everywhere_but_not_another_programs(manager_client, make, program):
    ours, theirs = make.user(programs=[program]), make.user(programs=[make.program()])
    tokens = ours.session_token, theirs.session_token
    token = csrf_token(manager_client, "/users")
    assert manager_client.post(f"/users/{ours.id}/sign-out-everywhere", data={"csrf_token": token}).status_code == 302
    assert manager_client.post(f"/users/{theirs.id}/sign-out-everywhere",
                               data={"csrf_token": token}).status_code == 404
    assert (ours.session_token, theirs.session_token) != tokens and theirs.session_token == tokens[1]


def test_the_service_refuses_a_manager_another_programs_membership_whatever_the_form_offers(make, program):
    manager, other = make.user("manager", programs=[program]), make.program()
    with pytest.raises(ValidationError) as refused:
        create_user(email="x@example.com", name="X", role="agent", password="long enough pw", programs=[other],
                    actor=manager)
    assert other.code in refused.value.fields["programs"]
    agent = make.user(programs=[program])
    with pytest.raises(ValidationError) as refused:
        update_user(agent, name=agent.name, role="agent", active=True, programs=[program, other], password=None,
                    actor=manager)
    assert set(refused.value.fields) == {"programs"} and agent.programs == [program]
