"""Shared fixtures: a real database built by the migrations, one rolled-back transaction per test.

``TEST_DATABASE_URL`` selects PostgreSQL (the schema is rebuilt at the start); without it, an SQLite file.
"""

import os
import re
import socket

import flask_migrate
import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from helpdesk import create_app
from helpdesk.config import TestConfig
from helpdesk.extensions import db
from tests import factories

PASSWORD = factories.PASSWORD


def fresh_database_url(tmp_path_factory, suffix: str = "") -> str:
    """An empty database for this run: a new SQLite file, or the PostgreSQL database with its schema dropped."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db' + suffix) / 'helpdesk.db'}"
    if suffix:
        url = _sibling_postgres_database(url, suffix)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _sibling_postgres_database(url: str, suffix: str) -> str:
    base, name = url.rsplit("/", 1)
    sibling = f"{name}{suffix}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": sibling}):
            conn.execute(text(f'CREATE DATABASE "{sibling}"'))
    engine.dispose()
    return f"{base}/{sibling}"


def unmigrated_app(database_url: str, **overrides):
    """The app with the test configuration on ``database_url``, as it is (no migration run)."""
    return create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                       "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


def build_app(database_url: str, **overrides):
    app = unmigrated_app(database_url, **overrides)
    with app.app_context():
        flask_migrate.upgrade()
    return app


class CommittedSetupClient(FlaskClient):
    """A request arrives after the test's setup is committed, as in production, where nothing a request sees is
    still pending in another's session (the commit is a savepoint, rolled back with the test). Requests share
    the test's app context, whose ``g`` is emptied first, as each request in production has its own: the user
    Flask-Login loaded and the CSRF token Flask-WTF made for an earlier request (of this client or another)
    are not this one's."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = build_app(fresh_database_url(tmp_path_factory))
    app.test_client_class = CommittedSetupClient
    with app.app_context():
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    return app


@pytest.fixture(autouse=True)
def _transaction(request, monkeypatch):
    """Every test runs in a transaction that is rolled back; commits inside become savepoints."""
    if "live_server" in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        monkeypatch.setitem(db.engines, None, connection)
        db.session.remove()
        yield
        db.session.remove()
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests talk to 127.0.0.1 only: any other address fails loudly."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach {host!r}; only loopback is allowed")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories for domain objects: ``make.program()``, ``make.participant(program)``, ``make.case(...)``."""
    return factories


def csrf_token(client, url: str = "/login") -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def program(make):
    return make.program()


@pytest.fixture
def agent(make, program):
    return make.user(role="agent", programs=[program])


@pytest.fixture
def agent_client(client, agent):
    login(client, agent)
    return client
