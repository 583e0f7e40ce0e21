import pytest

from helpdesk.auth.models import User
from helpdesk.auth.passwords import check_password
from helpdesk.extensions import db
from tests.conftest import csrf_token, login


def test_sign_in_with_a_wrong_password_is_refused(client, agent):
    response = client.post("/login", data={"email": agent.email, "password": "wrong",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 200 and "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/cases").status_code == 302


def test_an_inactive_user_cannot_sign_in(client, agent):
    agent.active = False
    response = client.post("/login", data={"email": agent.email, "password": "correct horse battery",
                                           "csrf_token": csrf_token(client)})
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_sign_in_never_redirects_to_another_site(client, agent):
    response = client.post("/login?next=//evil.example/x", data={
        "email": agent.email, "password": "correct horse battery", "csrf_token": csrf_token(client)})
    assert response.location == "/cases"


def test_signing_out_ends_the_session(agent_client):
    assert agent_client.post("/logout", data={"csrf_token": csrf_token(agent_client, "/cases")}).status_code == 302
    assert agent_client.get("/cases").status_code == 302


def test_agents_cannot_manage_users(agent_client):
    assert agent_client.get("/users").status_code == 403


def test_an_admin_creates_a_user_serving_a_program(client, make, program):
    login(client, make.user("admin"))
    response = client.post("/users/new", data={
        "email": "New.Agent@Example.com", "name": "New Agent", "role": "agent", "programs": [program.id],
        "password": "long enough pw", "csrf_token": csrf_token(client, "/users")})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="new.agent@example.com").one()
    assert [p.code for p in user.programs] == [program.code]


def test_a_duplicate_user_email_is_a_field_error(client, make, agent):
    login(client, make.user("admin"))
    response = client.post("/users/new", data={
        "email": agent.email, "name": "Again", "role": "agent", "password": "long enough pw",
        "csrf_token": csrf_token(client, "/users")})
    assert response.status_code == 422 and "already used" in response.get_data(as_text=True)


def test_users_create_cli_reads_the_password_from_stdin(runner, program):
    result = runner.invoke(args=["users", "create", "cli@example.com", "--role", "manager", "--program", program.code,
                                 "--password-stdin"], input="s3cret-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="cli@example.com").one()
    assert check_password(user.password_hash, "s3cret-password") and user.programs == [program]


def test_users_create_cli_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "x@example.com", "--role", "agent", "--password-stdin"],
                           input="short\n")
    assert result.exit_code != 0 and "password" in result.output


def test_a_user_chooses_the_ui_language_which_then_wins_over_the_browser(client, make):
    user = make.user()
    login(client, user)
    page = client.get("/cases", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="ru">' in page
    response = client.post("/language", data={"language": "pl", "next": "/cases?queue=open",
                                              "csrf_token": csrf_token(client, "/cases")})
    assert response.status_code == 302 and response.location.endswith("/cases?queue=open")
    page = client.get("/cases", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="pl">' in page and user.language == "pl"


@pytest.mark.parametrize("language", ["de", "", "pl'><script>"])
def test_an_unsupported_language_is_refused(client, make, language):
    login(client, make.user())
    response = client.post("/language", data={"language": language, "csrf_token": csrf_token(client, "/cases")})
    assert response.status_code == 400
def test_an_admin_gives_an_agent_the_phone_they_answer_hotline_calls_on(client, make, program):
    agent = make.user(programs=[program])
    login(client, make.user("admin"))
    form = {"email": agent.email, "name": agent.name, "role": "agent", "programs": [program.id], "active": "y",
            "csrf_token": csrf_token(client, "/users")}
    refused = client.post(f"/users/{agent.id}", data={**form, "phone": "601 000 002"})
    assert refused.status_code == 422 and "needs an international prefix" in refused.get_data(as_text=True)
    assert client.post(f"/users/{agent.id}", data={**form, "phone": "+48 601 000 002"}).status_code == 302
    db.session.refresh(agent)
    assert agent.phone == "+48601000002"
    assert client.post(f"/users/{agent.id}", data={**form, "phone": ""}).status_code == 302
    db.session.refresh(agent)
    assert agent.phone is None
