"""Fault tests: real Stemlink processes against a PostgreSQL database of their own, faults injected.

Run with `make faults` (not part of `make test`: these start processes and take minutes). The
session makes a fresh database on the PostgreSQL server of FAULTS_PG_URL (default the local one),
migrates it, and drops it at the end; the test process itself uses Django against that database
to build data and to check the outcome. Nothing here stops or touches the shared server: the
database outage is a TCP proxy the test controls (`tests_faults.proxy`).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
STEMLINK = str(Path(sys.executable).with_name("stemlink"))
PG_URL = os.environ.get("FAULTS_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 120.0, every: float = 0.2) -> Any:
    """Poll `condition` until it is truthy; fail naming `what` after a generous deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def with_database(url: str, name: str, *, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if port is not None:
        netloc = f"{netloc.rsplit(':', 1)[0] if ':' in netloc.rsplit('@', 1)[-1] else netloc}:{port}"
    return urlunsplit((parts.scheme, netloc, f"/{name}", "", ""))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def fault_db() -> Iterator[str]:
    """A migrated PostgreSQL database for this session; Django in this process points at it."""
    try:
        _admin("SELECT 1")
    except Exception as exc:
        pytest.skip(f"fault tests need PostgreSQL at {PG_URL}: {exc}")
    name = f"faults_{os.getpid()}_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}"')
    url = with_database(PG_URL, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    # The tests register partner endpoints on loopback from this process too: opt in, as the
    # processes they start do (read when the settings load, below).
    os.environ["STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "1"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def process_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        PYTHONPATH=str(REPO),
        STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS="1",
        STEMLINK_WEB_WORKERS="1",
        STEMLINK_WEB_THREADS="8",
        PYTHONUNBUFFERED="1",
    )
    # Every process shares this process's keys (tokens and webhook secrets made here must verify
    # there), wherever its var directory is.
    from django.conf import settings

    env.setdefault("STEMLINK_SECRET_KEY", settings.SECRET_KEY)
    env.setdefault("STEMLINK_TOKEN_KEY", settings.TOKEN_HASH_KEY)
    env.update(extra)
    return env


class Processes:
    """Processes a test started; all stopped (by their own pid) when the test ends."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def integrity_ok(database_url: str) -> str:
    """Run `stemlink check-integrity` as a separate process; fail the test with its report if not OK."""
    result = subprocess.run(
        [STEMLINK, "check-integrity"],
        env=process_env(database_url),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
