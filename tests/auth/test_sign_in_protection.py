"""Sign-in protection: lock-outs per account and per address counted in the database, every attempt recorded,
unknown accounts as slow to refuse as known ones; passwords re-hashed the current way at sign-in."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.auth import passwords
from helpdesk.auth.models import SignInEvent, SignInEventKind
from helpdesk.auth.signin import check_credentials, record_attempt
from helpdesk.config import Config
from helpdesk.database import unit_of_work, utcnow
from helpdesk.extensions import db
from tests.conftest import PASSWORD, csrf_token


def attempt(client, email, password, address="192.0.2.10"):
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                           environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.get_data(as_text=True)


def events(kind, **filters) -> int:
    return db.session.scalar(select(func.count(SignInEvent.id)).filter_by(kind=kind, **filters))


def test_forty_wrong_passwords_then_the_right_one_is_refused(client, agent):
    for n in range(40):
        assert attempt(client, agent.email, f"guess number {n}")[0] == 200
    status, page = attempt(client, agent.email, PASSWORD)
    assert status == 200 and "Too many failed sign-ins" in page
    assert client.get("/cases").status_code == 302
    assert events(SignInEventKind.FAILURE, user_id=agent.id) == 5  # the rest were refused unchecked
    assert events(SignInEventKind.ACCOUNT_LOCKED, user_id=agent.id) == 1
    assert events(SignInEventKind.REFUSED, user_id=agent.id) == 36
    assert events(SignInEventKind.SUCCESS) == 0


def test_the_fifth_failure_locks_the_account_from_every_address(client, agent):
    for n in range(4):
        assert "Wrong email or password" in attempt(client, agent.email, f"wrong {n}", address=f"198.51.100.{n}")[1]
    assert "blocked for 15 more minutes" in attempt(client, agent.email, "wrong again", address="198.51.100.9")[1]
    assert "Too many failed sign-ins" in attempt(client, agent.email, PASSWORD, address="203.0.113.77")[1]


def test_an_unknown_account_is_locked_out_like_a_known_one(client):
    for n in range(5):
        attempt(client, "nobody@example.com", f"wrong {n}", address=f"198.51.100.{n}")
    assert "Too many failed sign-ins" in attempt(client, "nobody@example.com", "whatever", address="203.0.113.1")[1]
    assert events(SignInEventKind.ACCOUNT_LOCKED, email="nobody@example.com") == 1


def test_twenty_failures_from_one_address_lock_that_address_only(client, make, agent):
    for n in range(20):
        attempt(client, f"spray{n}@example.com", "Password1", address="192.0.2.50")
    assert events(SignInEventKind.ADDRESS_LOCKED, address="192.0.2.50") == 1
    assert "Too many failed sign-ins" in attempt(client, agent.email, PASSWORD, address="192.0.2.50")[1]
    assert attempt(client, agent.email, PASSWORD, address="192.0.2.51")[0] == 302


def test_a_success_clears_the_accounts_failures(app, agent):
    for browser in (app.test_client(), app.test_client()):
        for n in range(4):
            attempt(browser, agent.email, f"typo {n}")
        assert attempt(browser, agent.email, PASSWORD)[0] == 302
    assert events(SignInEventKind.SUCCESS, user_id=agent.id) == 2


def sign_in_at(email, password, now, address="192.0.2.20"):
    tried = check_credentials(email, password, address=address, now=now)
    with unit_of_work():
        return record_attempt(tried, now=now)


def test_a_lock_out_ends_after_15_minutes(agent):
    start = utcnow()
    for n in range(5):
        sign_in_at(agent.email, f"wrong {n}", start + timedelta(seconds=n))
    assert sign_in_at(agent.email, PASSWORD, start + timedelta(minutes=14)).user is None
    assert sign_in_at(agent.email, PASSWORD, start + timedelta(minutes=15, seconds=5)).user == agent


def test_failures_spread_over_more_than_15_minutes_do_not_lock(agent):
    start = utcnow()
    for n in range(8):
        assert "Wrong" in sign_in_at(agent.email, f"wrong {n}", start + timedelta(minutes=4 * n)).message
    assert sign_in_at(agent.email, PASSWORD, start + timedelta(minutes=33)).user == agent


@pytest.fixture
def hashes_checked(monkeypatch):
    checked = []
    real = passwords.check_password_hash

    def spy(password_hash, password):
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    return checked


def test_an_unknown_account_costs_a_password_hash_like_a_known_one(app, client, agent, hashes_checked):
    attempt(client, agent.email, "wrong password here")
    attempt(client, "nobody@example.com", "wrong password here")
    agent.active = False
    attempt(client, agent.email, PASSWORD)
    known, unknown, inactive = hashes_checked
    assert known == inactive == agent.password_hash
    assert unknown.startswith(app.config["PASSWORD_HASH_METHOD"] + "$") and unknown != known


def test_an_inactive_account_is_refused_like_a_wrong_password(client, agent):
    agent.active = False
    assert "Wrong email or password" in attempt(client, agent.email, PASSWORD)[1]


def test_passwords_are_hashed_with_scrypt_and_old_hashes_are_upgraded_at_sign_in(app, client, agent, monkeypatch):
    assert Config.PASSWORD_HASH_METHOD.startswith("scrypt:")
    assert agent.password_hash.startswith("pbkdf2:")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt:1024:8:1")  # scrypt, cheap for the test
    assert attempt(client, agent.email, PASSWORD)[0] == 302
    db.session.refresh(agent)
    assert agent.password_hash.startswith("scrypt:1024:8:1$")
    assert passwords.check_password(agent.password_hash, PASSWORD)
