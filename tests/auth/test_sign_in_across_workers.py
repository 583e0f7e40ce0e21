"""The lock-out holds across processes: gunicorn with two workers, attempts arriving at both at once."""

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from helpdesk.auth.models import SignInEvent, SignInEventKind
from helpdesk.extensions import db
from tests import factories
from tests.conftest import PASSWORD, build_app

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(fresh_database, tmp_path):
    """Two gunicorn workers serving the production configuration on a fresh database with one agent (the app
    loaded once, before the workers fork: the test waits for one start-up, not two)."""
    url = fresh_database("_workers")
    app = build_app(url)
    with app.app_context():
        email = factories.user("agent").email
        db.session.commit()
    port, access_log = free_port(), tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k not in ("HELPDESK_ENV", "TEST_DATABASE_URL")}
    env.update(DATABASE_URL=url, SECRET_KEY="workers-test-secret")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "--preload", "--no-control-socket",
         "--graceful-timeout", "1", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                sign_in(base, "nobody@example.com", "warming up both workers")
                break
            except requests.RequestException:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-2000:]
                time.sleep(0.1)
        yield base, email, app, access_log
    finally:
        server.terminate()
        server.wait(10)
        with app.app_context():
            db.engine.dispose()


def sign_in(base: str, email: str, password: str) -> tuple[int, str]:
    """One browser's attempt: fetch the form (for its CSRF token), post it."""
    with requests.Session() as browser:
        browser.trust_env = False  # straight to 127.0.0.1, whatever proxy the environment names
        page = browser.get(base + "/login", timeout=10).text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        response = browser.post(base + "/login", data={"email": email, "password": password, "csrf_token": token},
                                allow_redirects=False, timeout=10)
        return response.status_code, response.text


def test_the_lock_out_holds_across_gunicorn_workers(gunicorn):
    base, email, app, access_log = gunicorn
    with ThreadPoolExecutor(max_workers=4) as pool:
        wrong = list(pool.map(lambda n: sign_in(base, email, f"wrong guess {n}"), range(12)))
        right = list(pool.map(lambda _: sign_in(base, email, PASSWORD), range(6)))
    assert all(status == 200 for status, _ in wrong)
    assert all(status == 200 and "Too many failed sign-ins" in page for status, page in right)

    workers = {line.split()[0] for line in access_log.read_text().splitlines() if " POST /login " in line}
    assert len(workers) == 2  # both workers answered attempts

    with app.app_context():
        count = {kind: db.session.scalar(select(func.count(SignInEvent.id))
                                         .where(SignInEvent.kind == kind, SignInEvent.email == email))
                 for kind in SignInEventKind}
    assert count[SignInEventKind.SUCCESS] == 0 and count[SignInEventKind.ACCOUNT_LOCKED] == 1
    assert 5 <= count[SignInEventKind.FAILURE] <= 6  # at most one more checked while the two raced
    assert count[SignInEventKind.REFUSED] == 18 - count[SignInEventKind.FAILURE]
