"""Every password set anywhere has at least 12 characters and is not one of the 10,000 most common."""

import pytest

from helpdesk.auth.passwords import COMMON_PASSWORDS, MIN_LENGTH, password_problem
from helpdesk.auth.services import create_user
from helpdesk.demo_data import DEMO_PASSWORD
from helpdesk.errors import ValidationError
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import SYSTEM


def test_the_shipped_list_holds_the_10000_most_common_passwords():
    common = COMMON_PASSWORDS.read_text().split()
    assert len(common) == len(set(common)) == 10_000
    assert common[:2] == ["123456", "password"] and "qwerty123456" in common


@pytest.mark.parametrize("password", ["password", "aaaaaaaa", "eleven char", "qwerty123456", "QWERTY123456",
                                      "1qaz2wsx3edc", ""])
def test_short_or_common_passwords_are_refused(password):
    assert password_problem(password)


def test_the_demo_and_test_passwords_meet_the_rule():
    assert password_problem(DEMO_PASSWORD) is None and password_problem(PASSWORD) is None
    assert password_problem("x" * MIN_LENGTH) is None


def test_creating_a_user_with_a_common_password_is_a_field_error():
    with pytest.raises(ValidationError) as error:
        # 12 characters, but common
        create_user(email="a@example.com", name="A", role="agent", password="finalfantasy", actor=SYSTEM)
    assert "common" in error.value.fields["password"]


def test_the_user_pages_refuse_a_weak_password(client, make, agent):
    login(client, make.user("admin"))
    new = client.post("/users/new", data={"email": "n@example.com", "name": "N", "role": "agent",
                                          "password": "password", "csrf_token": csrf_token(client, "/users")})
    assert new.status_code == 422 and "at least 12 characters" in new.get_data(as_text=True)
    edited = client.post(f"/users/{agent.id}", data={"email": agent.email, "name": agent.name, "role": "agent",
                                                     "active": "y", "password": "1q2w3e4r5t6y",
                                                     "csrf_token": csrf_token(client, "/users")})
    assert edited.status_code == 422 and "most common passwords" in edited.get_data(as_text=True)


def test_users_create_cli_refuses_a_common_password(runner):
    result = runner.invoke(args=["users", "create", "x@example.com", "--role", "agent", "--password-stdin"],
                           input="123456789qwe\n")
    assert result.exit_code != 0 and "common" in result.output
