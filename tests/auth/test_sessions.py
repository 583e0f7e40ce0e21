"""Sessions end everywhere at once (a per-user session token, Flask-Login's alternative id), and their cookies
are HttpOnly, SameSite=Lax, Secure over HTTPS; remember-me lasts 14 days at most."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import flask_migrate
from sqlalchemy import text

from helpdesk.auth.models import User
from helpdesk.extensions import db
from tests.conftest import PASSWORD, build_app, csrf_token, login


def sign_in(client, user, *, remember=False, **kwargs):
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def copy_cookie(source, target, name):
    """What a stolen (or second-device) cookie does: the same value in another browser."""
    target.set_cookie(name, source.get_cookie(name).value)


def test_an_old_session_cookie_stops_working_after_sign_out(app, client, agent):
    sign_in(client, agent)
    other_device = app.test_client()
    copy_cookie(client, other_device, "session")
    assert other_device.get("/cases").status_code == 200

    client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    assert other_device.get("/cases").status_code == 302


def test_a_remember_me_cookie_stops_working_after_sign_out(app, client, agent):
    sign_in(client, agent, remember=True)
    remembered = app.test_client()
    copy_cookie(client, remembered, "remember_token")
    assert remembered.get("/cases").status_code == 200  # signed in by the cookie alone

    client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    fresh = app.test_client()
    copy_cookie(client if client.get_cookie("remember_token") else remembered, fresh, "remember_token")
    assert fresh.get("/cases").status_code == 302


def test_a_remember_me_cookie_keeps_a_new_browser_signed_in_request_after_request(app, client, agent):
    sign_in(client, agent, remember=True)
    restarted = app.test_client()  # the browser restarted: no session cookie, only the remember-me one
    copy_cookie(client, restarted, "remember_token")
    assert [restarted.get("/cases").status_code for _ in range(3)] == [200, 200, 200]


def sessions_of(app, user):
    """A browser session and a remember-me cookie of ``user``, both working."""
    browser, remembered = app.test_client(), app.test_client()
    sign_in(browser, user, remember=True)
    copy_cookie(browser, remembered, "remember_token")
    assert browser.get("/cases").status_code == 200 and remembered.get("/cases").status_code == 200
    return browser, remembered


def edit(admin_client, user, **changes):
    data = {"email": user.email, "name": user.name, "role": user.role.value,
            "programs": [p.id for p in user.programs], "active": "y" if user.active else "", "password": "",
            "csrf_token": csrf_token(admin_client, "/users"), **changes}
    response = admin_client.post(f"/users/{user.id}", data={k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_a_password_change_role_change_or_deactivation_ends_every_session(app, client, make, program):
    login(client, make.user("admin"))
    for change in ({"password": "a brand new passphrase"}, {"role": "manager"}, {"active": ""}):
        user = make.user("agent", programs=[program])
        browser, remembered = sessions_of(app, user)
        edit(client, user, **change)
        assert browser.get("/cases").status_code == 302, change
        assert remembered.get("/cases").status_code == 302, change


def test_renaming_a_user_keeps_their_sessions(app, client, make, agent):
    login(client, make.user("admin"))
    browser, remembered = sessions_of(app, agent)
    edit(client, agent, name="Renamed Agent")
    assert browser.get("/cases").status_code == 200 and remembered.get("/cases").status_code == 200


def test_an_admin_signs_a_user_out_everywhere(app, client, make, agent):
    login(client, make.user("admin"))
    browser, remembered = sessions_of(app, agent)
    assert f'/users/{agent.id}/sign-out-everywhere' in client.get("/users").get_data(as_text=True)

    response = client.post(f"/users/{agent.id}/sign-out-everywhere", data={"csrf_token": csrf_token(client, "/users")})
    assert response.status_code == 302 and client.get("/users").status_code == 200
    assert browser.get("/cases").status_code == 302 and remembered.get("/cases").status_code == 302
    sign_in(app.test_client(), agent)  # signing in again works


def test_a_manager_cannot_sign_another_manager_out_everywhere(client, make, program):
    colleague = make.user("manager", programs=[program])
    login(client, make.user("manager", programs=[program]))
    response = client.post(f"/users/{colleague.id}/sign-out-everywhere",
                           data={"csrf_token": csrf_token(client, "/cases")})
    assert response.status_code == 403


def test_an_admin_changing_their_own_password_stays_signed_in_here_only(app, client, make):
    admin = make.user("admin")
    other_browser, _ = sessions_of(app, admin)
    login(client, admin)
    edit(client, admin, password="my own new passphrase")
    assert client.get("/users").status_code == 200
    assert other_browser.get("/users").status_code == 302


def test_the_session_carries_a_random_token_not_the_user_id(client, agent):
    sign_in(client, agent)
    with client.session_transaction() as session:
        assert session["_user_id"] == agent.session_token != str(agent.id)
    assert len(agent.session_token) == 64
    tokens = set(db.session.scalars(db.select(User.session_token)))
    assert len(tokens) == db.session.scalar(db.select(db.func.count(User.id)))


def cookie_attributes(response, name) -> dict[str, str]:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            parts = [p.strip() for p in header.split(";")[1:]]
            return {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts}
    raise AssertionError(f"no {name} cookie set")


def test_session_and_remember_cookies_are_httponly_lax_and_remember_lasts_14_days_at_most(client, agent):
    response = sign_in(client, agent, remember=True)
    for name in ("session", "remember_token"):
        attributes = cookie_attributes(response, name)
        assert "httponly" in attributes and attributes["samesite"] == "Lax", name
        assert "secure" not in attributes, name  # plain HTTP: a Secure cookie would never come back
    expires = parsedate_to_datetime(cookie_attributes(response, "remember_token")["expires"])
    assert expires <= datetime.now(UTC) + timedelta(days=14, minutes=1)


def test_cookies_are_secure_over_https(client, agent):
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"email": agent.email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    for name in ("session", "remember_token"):
        assert "secure" in cookie_attributes(response, name), name


def test_the_migration_gives_every_existing_user_a_token_of_their_own(fresh_database):
    app = build_app(fresh_database("_migration", migrated=False))
    with app.app_context():
        flask_migrate.upgrade(revision="0006")
        for email in ("one@example.com", "two@example.com"):
            db.session.execute(text("INSERT INTO users (email, name, password_hash, role, active, created_at) "
                                    "VALUES (:email, 'X', 'hash', 'agent', true, CURRENT_TIMESTAMP)"), {"email": email})
        db.session.commit()
        flask_migrate.upgrade()
        tokens = db.session.scalars(text("SELECT session_token FROM users")).all()
        db.session.commit()
        assert len(set(tokens)) == 2 and all(len(token) == 64 for token in tokens)
        flask_migrate.downgrade(revision="0006")
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()
