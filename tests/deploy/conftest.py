"""The deployment recipe run for real: gunicorn with ``deploy/gunicorn.conf.py`` on loopback, Debian's nginx with
``deploy/nginx/helpdesk.conf`` in front of it (TLS with a certificate made here), as the systemd units would run
them, on a fresh database. Nothing is installed at test time: nginx comes from the system (``.ci/run`` installs it).

A test takes the ``stack`` fixture and talks HTTPS to ``stack.base`` with ``stack.browser()``; what the
processes logged is in ``stack.gunicorn_log`` and ``stack.nginx_log``.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from helpdesk.extensions import db
from tests import factories
from tests.conftest import build_app

PROJECT = Path(__file__).resolve().parents[2]
SITE = PROJECT / "deploy" / "nginx" / "helpdesk.conf"
TWILIO_TOKEN = "nginx-test-auth-token"
METRICS_TOKEN = "nginx-test-metrics-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)


def gunicorn_env(database_url: str, **settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HELPDESK_ENV", "TEST_DATABASE_URL")}
    return {**env, "DATABASE_URL": database_url, "SECRET_KEY": "deploy-test-secret", **settings}


def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py",
                             "--graceful-timeout", "1", "wsgi:app"],
                            cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def site_config(folder: Path, *, app_port: int, https_port: int, http_port: int) -> str:
    """The shipped site with this test's ports, certificate and log folder, each replaced text checked to be
    there (the site changed: change this too)."""
    site = SITE.read_text()
    for old, new in {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "    listen [::]:80;\n": "", "    listen [::]:443 ssl http2;\n": "",
        "/etc/letsencrypt/live/hotline.example.com/fullchain.pem": str(folder / "cert.pem"),
        "/etc/letsencrypt/live/hotline.example.com/privkey.pem": str(folder / "key.pem"),
        "/var/log/nginx/": f"{folder}/",
    }.items():
        assert old in site, f"{SITE.name} no longer has {old!r}"
        site = site.replace(old, new)
    return site


def main_config(folder: Path) -> str:
    """nginx's own settings: everything in ``folder``; as root, workers run as nobody."""
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                           "scgi"))
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            f"events {{ worker_connections 256; }}\nhttp {{\n{temp}\n    include {folder}/site.conf;\n}}\n")


def make_certificate(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)


@dataclass
class Stack:
    base: str
    certificate: str
    gunicorn_log: Path
    nginx_log: Path
    admin_email: str
    hotline: str  # a program's hotline number, for webhooks that reach a program

    def browser(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # straight to 127.0.0.1, whatever proxy the environment names
        session.verify = self.certificate
        return session


@pytest.fixture(scope="module")
def stack(fresh_database, tmp_path_factory):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (.ci/run installs Debian's)")
        pytest.skip("nginx is not installed: apt-get install nginx")
    url = fresh_database("_nginx")
    app = build_app(url)
    with app.app_context():
        admin_email = factories.user("admin").email
        hotline = factories.program().hotline_number
        db.session.commit()
        db.engine.dispose()
    logs = tmp_path_factory.mktemp("deploy")
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-nginx-"))  # not under pytest's 0700 folders: nobody reads it
    folder.chmod(0o755)
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    make_certificate(folder)
    (folder / "site.conf").write_text(site_config(folder, app_port=app_port, https_port=https_port,
                                                  http_port=http_port))
    (folder / "nginx.conf").write_text(main_config(folder))
    base = f"https://127.0.0.1:{https_port}"
    env = gunicorn_env(url, HELPDESK_BIND=f"127.0.0.1:{app_port}", TRUSTED_PROXIES="1", PUBLIC_BASE_URL=base,
                       TWILIO_AUTH_TOKEN=TWILIO_TOKEN, METRICS_TOKEN=METRICS_TOKEN, WEB_CONCURRENCY="2",
                       GUNICORN_THREADS="4", PROMETHEUS_MULTIPROC_DIR=str(logs / "metrics"))
    gunicorn_log = logs / "gunicorn.log"
    server = start_gunicorn(env, gunicorn_log)
    proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                              str(folder / "error.log"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=(folder / "stderr.log").open("w"))
    try:
        wait_for(app_port, server, gunicorn_log)
        wait_for(https_port, proxy, folder / "stderr.log")
        yield Stack(base, str(folder / "cert.pem"), gunicorn_log, folder / "helpdesk.access.log", admin_email,
                    hotline)
    finally:
        for process in (proxy, server):
            process.terminate()
            process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
