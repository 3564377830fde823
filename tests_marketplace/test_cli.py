"""The `marketplace` command as a person meets it: its own commands first, and one clear line, never
a traceback, when its database cannot be opened or has no tables yet.

Each test runs the real command in a process of its own, in an empty directory.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TIMEOUT = 300  # generous: the machine may be busy


def run(cwd: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("MARKETPLACE_", "STEMLINK_"))}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "marketplace.cli", *args],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


INIT_ENV = {"MARKETPLACE_INIT_USERNAME": "operator", "MARKETPLACE_INIT_PASSWORD": "market-open-2026"}


def test_no_arguments_lists_the_marketplaces_commands_and_points_to_djangos(tmp_path: Path) -> None:
    for args in ((), ("help",)):
        result = run(tmp_path, *args)
        assert result.returncode == 0, result.stderr
        for command in ("init", "migrate", "serve", "worker", "connect-supplier"):
            assert f"\n  {command} " in result.stdout, command
        assert "marketplace help --all" in result.stdout and "flush" not in result.stdout
    assert "flush" in run(tmp_path, "help", "--all").stdout
    version = run(tmp_path, "--version")
    assert version.stdout.startswith("marketplace 0.") and "(Django 5." in version.stdout


def test_from_an_empty_directory_migrate_then_init(tmp_path: Path) -> None:
    migrated = run(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "var" / "marketplace.sqlite3").is_file()
    made = run(tmp_path, "init", **INIT_ENV)
    assert made.returncode == 0 and "Operator operator created" in made.stdout, made.stderr
    again = run(tmp_path, "init", **{**INIT_ENV, "MARKETPLACE_INIT_USERNAME": "second"})
    assert again.returncode == 1 and "already has an operator" in again.stderr


def test_a_database_with_no_tables_says_run_migrate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    one_clear_line(
        run(tmp_path, "init", MARKETPLACE_DATABASE_URL=url, **INIT_ENV),
        "MARKETPLACE_DATABASE_URL=",
        "run `marketplace migrate`",
    )


def test_sqlite_in_a_missing_or_impossible_directory_is_one_line(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'missing' / 'm.sqlite3'}"
    one_clear_line(run(tmp_path, "init", MARKETPLACE_DATABASE_URL=missing, **INIT_ENV), "cannot open")
    (tmp_path / "a-file").write_text("not a directory")
    impossible = f"sqlite:///{tmp_path / 'a-file' / 'var' / 'm.sqlite3'}"
    one_clear_line(run(tmp_path, "migrate", MARKETPLACE_DATABASE_URL=impossible), "cannot create")


def test_postgresql_on_a_closed_port_is_one_line_with_the_password_masked(tmp_path: Path) -> None:
    url = f"postgresql://market:s3cret@127.0.0.1:{closed_port()}/market"
    for args in (("migrate",), ("init",), ("worker", "--once"), ("serve",)):
        line = one_clear_line(
            run(tmp_path, *args, MARKETPLACE_DATABASE_URL=url, **INIT_ENV),
            "MARKETPLACE_DATABASE_URL=postgresql://market:***@127.0.0.1",
        )
        assert "s3cret" not in line


@pytest.fixture
def empty_postgresql_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database when the suite runs on PostgreSQL (dropped afterwards)."""
    base = os.environ.get("MARKETPLACE_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs on PostgreSQL only (MARKETPLACE_DATABASE_URL=postgresql://…)")
    import psycopg

    name = f"marketplace_cli_{secrets.token_hex(4)}"
    server = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_empty_postgresql_database_to_a_first_operator(
    tmp_path: Path, empty_postgresql_database: str
) -> None:
    url = empty_postgresql_database
    one_clear_line(run(tmp_path, "init", MARKETPLACE_DATABASE_URL=url, **INIT_ENV), "not up to date")
    assert run(tmp_path, "migrate", MARKETPLACE_DATABASE_URL=url).returncode == 0
    made = run(tmp_path, "init", MARKETPLACE_DATABASE_URL=url, **INIT_ENV)
    assert made.returncode == 0, made.stderr
