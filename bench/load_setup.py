"""The load bench's surroundings: its database (a SQLite file, a private PostgreSQL server or an existing one),
the data in it, and the processes it starts (each in a process group of its own, all stopped at the end)."""

import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import insert, text

from bench.generate import PROGRAMS, participant_rows, program_rows, staff_rows
from helpdesk import create_app
from helpdesk.actors import SystemActor
from helpdesk.api.services import create_api_token
from helpdesk.auth.models import User, user_programs
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql")
SEED = 20261211
BENCH = SystemActor("Load bench")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers_quickly(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/login")
        return connection.getresponse().status < 500
    except OSError:
        return False


def wait_until_served(port: int, seconds: float, parallel: int = 8) -> bool:
    """True once ``parallel`` requests at once are all answered within 2 s: every gunicorn worker has booted
    and imported the app (the first start in a fresh checkout compiles it, which takes seconds)."""
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(parallel) as pool:
        while time.monotonic() < deadline:
            if all(pool.map(_answers_quickly, [port] * parallel)):
                return True
            time.sleep(0.2)
    return False


class Processes:
    """Every process the bench starts; ``stop_all`` ends them (SIGTERM to the group, SIGKILL after 10 s)."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115  (the child writes it until it ends)
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.running[name] = process
        return process

    def stop(self, name: str, timeout: float = 10) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


# --- databases ----------------------------------------------------------------------------------------------------

class SqliteDatabase:
    name = "sqlite"

    def __init__(self, work_dir: Path):
        self.path = work_dir / "load.db"
        self.url = f"sqlite:///{self.path}"

    def reset(self) -> None:
        for suffix in ("", "-wal", "-shm", "-writers"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL's tools refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _pg_tool(name: str) -> str:
    versions = sorted(PG_BIN.glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise SystemExit(f"no PostgreSQL {name} under {PG_BIN}")
    return str(versions[-1])


class PrivatePostgres:
    """A throwaway PostgreSQL server in a temporary directory on a free port: the bench may restart it without
    disturbing anyone else's database."""

    name = "postgresql"

    def __init__(self, work_dir: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="load-pg-", dir=work_dir))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/load_bench"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([_pg_tool("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                     "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        self._ctl("start")
        subprocess.run(_as_postgres([_pg_tool("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                     "postgres", "load_bench"]), check=True)

    def _ctl(self, action: str, *extra: str) -> None:
        subprocess.run(_as_postgres([
            _pg_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", *extra,
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100",
            action]), check=True, stdout=subprocess.DEVNULL)

    def reset(self) -> None:
        pass  # created empty

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def close(self) -> None:
        subprocess.run(_as_postgres([_pg_tool("pg_ctl"), "-D", str(self.data), "-w", "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


class ExistingPostgres:
    """A database on a running cluster (its schema is dropped and rebuilt); restarted with pg_ctlcluster."""

    name = "postgresql"

    def __init__(self, url: str):
        self.url = url

    def reset(self) -> None:
        app = create_app({"SQLALCHEMY_DATABASE_URI": self.url, "SECRET_KEY": "bench"})
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        with app.app_context():
            db.engine.dispose()

    def restart(self) -> None:
        port = str(urlsplit(self.url.replace("+psycopg", "")).port or 5432)
        clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout
        for line in clusters.splitlines():
            version, cluster, cluster_port, *_ = line.split()
            if cluster_port == port:
                subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"], check=True)
                return
        raise RuntimeError(f"no local cluster on port {port} to restart")

    def close(self) -> None:
        pass


# --- data ---------------------------------------------------------------------------------------------------------

def migrate(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def populate(url: str, participants: int) -> tuple[str, list[tuple[str, str]]]:
    """Programs, staff and participants from generate.py's helpers, and an API token for every program.
    Returns (token, [(participant phone, their hotline)])."""
    rng = random.Random(SEED)
    start = datetime.now(UTC) - timedelta(days=1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        users, links = staff_rows(start)
        rows, phones_taken, first_id = [], set(), 1
        for program_id, (*_, locale, share) in enumerate(PROGRAMS, start=1):
            count = round(participants * share) if program_id < len(PROGRAMS) else participants - first_id + 1
            rows += participant_rows(rng, program_id, locale, count, first_id, start, phones_taken)
            first_id += count
        with db.engine.begin() as conn:
            conn.execute(insert(Program.__table__), program_rows(start))
            conn.execute(insert(User.__table__), users)
            conn.execute(insert(user_programs), links)
            conn.execute(insert(Participant.__table__), rows)
            if conn.dialect.name == "postgresql":  # the rows came with their ids
                for table in ("programs", "users", "participants"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
        _, token = create_api_token("load bench", actor=BENCH)
        db.session.commit()
        hotlines = {program_id: hotline for program_id, (_, _, hotline, *_) in enumerate(PROGRAMS, start=1)}
        people = [(row["phone"], hotlines[row["program_id"]]) for row in rows if row["phone"]]
        db.engine.dispose()
    return token, people
