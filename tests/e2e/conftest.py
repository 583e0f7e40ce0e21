"""Browser tests: Debian's Chromium, driven by Playwright, against a real server on a free loopback port.

``live_server`` serves an app on its own fresh database (an SQLite file, or the ``<name>_e2e`` sibling of the
``TEST_DATABASE_URL`` PostgreSQL database). Test data goes in, committed, before the browser opens a page::

    with live_server.seed():
        program = factories.program()
        agent_email = factories.user(role="agent", programs=[program]).email

Read what the test needs (emails, ids) inside the block: the objects expire when it commits.

Without /usr/bin/chromium the browser tests skip, unless ``CI`` is set: then they fail.
"""

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, url_for
from werkzeug.serving import make_server

from helpdesk.extensions import db
from tests.conftest import build_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@dataclass
class LiveServer:
    app: Flask
    url: str

    def path_for(self, endpoint: str, **values) -> str:
        """The path the app routes to ``endpoint``, so tests don't hard-code URLs."""
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    @contextmanager
    def seed(self):
        """An app context on the live database whose work is committed at the end (rolled back on error)."""
        with self.app.app_context():
            try:
                yield
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()


@pytest.fixture
def live_server(fresh_database):
    """The app on a fresh database, served over HTTP from a background thread for the length of one test."""
    app = build_app(fresh_database("_e2e"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        app.extensions["live_hub"].close()  # the pages' streams end, and the feed's thread
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()  # release PostgreSQL connections before the next test recreates the database


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run browser tests"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server, request):
    """A new browser context (no cookies from other tests) whose relative URLs go to ``live_server``."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_artifacts(page, request)
    context.close()


@pytest.fixture
def sign_in(page):
    """``sign_in(email)``: through the real sign-in form, with the factories' password unless told otherwise."""
    from tests.factories import PASSWORD

    def sign_in(email: str, password: str = PASSWORD):
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in


def _save_artifacts(page, request) -> None:
    artifacts = Path(request.config.rootpath) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
    try:
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        (artifacts / f"{name}.html").write_text(page.content())
    except Exception as exc:  # a crashed page must not hide the test's own failure
        print(f"could not save browser artifacts for {request.node.nodeid}: {exc}")
    else:
        print(f"browser artifacts: {artifacts / name}.png (.html) at {page.url}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
