"""The admins' System page, and the banner on managers' and admins' pages when no worker beats."""

from datetime import timedelta

import pytest

from helpdesk.extensions import db
from helpdesk.operations import health
from helpdesk.telephony.models import Message
from tests.conftest import login
from tests.operations.conftest import heartbeat

BANNER = 'id="worker-banner"'


@pytest.fixture
def admin_client(client, make):
    login(client, make.user(role="admin"))
    return client


def test_the_system_page_shows_workers_outbox_attention_versions_and_checks(admin_client, make):
    heartbeat(timedelta(seconds=20), statistics_at=None)
    heartbeat(timedelta(days=1), stopped_at=None)
    program = make.program()
    db.session.add(Message(program=program, direction="inbound", from_number="+48601234567",
                           to_number=program.hotline_number, body="parked", status="failed"))
    page = admin_client.get("/admin/system").get_data(as_text=True)
    assert page.count("worker-1") == 2 and "running" in page and "silent" in page
    assert "0 texts waiting to be sent, 0 of them due now." in page
    assert "1 text from a participant could not be filed" in page and 'href="/attention"' in page
    for name in ("app", "Python", "database", "schema", "newest migration", "Flask", "SQLAlchemy"):
        assert f"<th>{name}</th>" in page
    assert all(head in page for head in health.schema(db.session.connection()).heads)
    for check in ("database", "schema", "worker", "outbox"):
        assert f"<th>{check}</th>" in page
    assert BANNER not in page


def test_the_banner_shows_on_managers_and_admins_pages_when_no_worker_beat_for_two_minutes(app, make):
    program = make.program()
    manager, admin, agent = (make.user(role=role, programs=[program]) for role in ("manager", "admin", "agent"))
    heartbeat(timedelta(minutes=3))
    pages = {}
    for user, url in ((manager, "/programs/"), (admin, "/users"), (agent, "/cases")):
        with app.test_client() as browser:
            login(browser, user)
            pages[user.role.value] = browser.get(url).get_data(as_text=True)
    assert BANNER in pages["manager"] and "Ask an admin to start one." in pages["manager"]
    assert BANNER in pages["admin"] and 'href="/admin/system"' in pages["admin"]
    assert BANNER not in pages["agent"]


def test_no_banner_while_a_worker_beats(admin_client, live_worker):
    assert BANNER not in admin_client.get("/users").get_data(as_text=True)
