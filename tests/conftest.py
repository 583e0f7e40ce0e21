"""Shared fixtures: a real database built by the migrations, one rolled-back transaction per test.

``TEST_DATABASE_URL`` selects PostgreSQL (that database and its siblings are recreated, see ``fresh_database``);
without it, SQLite files.
"""

import os
import re
import socket
import sqlite3
from contextlib import closing

import flask_migrate
import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import URL, NullPool, create_engine, make_url, text

from helpdesk import create_app
from helpdesk.config import TestConfig
from helpdesk.extensions import db
from tests import factories

PASSWORD = factories.PASSWORD


def build_app(database_url: str, **overrides):
    """The app in its test configuration on ``database_url`` as it is (:func:`fresh_database` gives a migrated
    one)."""
    return create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                       "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory):
    """``fresh_database(suffix="")``: the URL of a new, fully migrated, empty database of its own
    (``migrated=False``: with no table at all).

    The migrations run once per session, into a template; each fresh database is a copy of it: a new SQLite file,
    or the PostgreSQL database ``<name><suffix>`` recreated from ``<name>_template``. Under pytest-xdist each
    worker has databases of its own (``<name>_gw0``, ``<name>_gw0_e2e``…), created as needed.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _postgres_copies(make_url(url))
    return _sqlite_copies(tmp_path_factory)


def _migrate(database_url: str) -> None:
    app = build_app(database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()  # nothing may stay connected to a template


def _sqlite_copies(tmp_path_factory):
    template = tmp_path_factory.mktemp("template") / "helpdesk.db"
    _migrate(f"sqlite:///{template}")

    def fresh(suffix: str = "", *, migrated: bool = True) -> str:
        path = tmp_path_factory.mktemp("db" + suffix) / "helpdesk.db"
        if migrated:
            with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as copy:
                source.backup(copy)  # a consistent copy, whatever is still in the template's WAL
        return f"sqlite:///{path}"

    return fresh


def _postgres_copies(url: URL):
    name = url.database + (f"_{os.environ['PYTEST_XDIST_WORKER']}" if "PYTEST_XDIST_WORKER" in os.environ else "")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def recreate(database: str, template: str = "template0") -> URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
        return url.set(database=database)

    template = f"{name}_template"
    _migrate(recreate(template).render_as_string(hide_password=False))

    def fresh(suffix: str = "", *, migrated: bool = True) -> str:
        database = recreate(name + suffix, template) if migrated else recreate(name + suffix)
        return database.render_as_string(hide_password=False)

    return fresh


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
def app(fresh_database):
    app = build_app(fresh_database())
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
