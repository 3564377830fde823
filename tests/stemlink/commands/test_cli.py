"""The `stemlink` command as a person meets it: its own commands first, and one clear line, never
a traceback, when the database cannot be opened or has no tables yet.

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
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "STEMLINK_"))}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "stemlink.cli", *args],
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


INIT_ENV = {
    "STEMLINK_INIT_NAME": "Acme Flowers",
    "STEMLINK_INIT_ADDRESS": "1 Main Street, Miami",
    "STEMLINK_INIT_TIME_ZONE": "America/New_York",
    "STEMLINK_INIT_LOCATION_NAME": "Miami warehouse",
    "STEMLINK_INIT_ADMIN_USERNAME": "boss",
    "STEMLINK_INIT_ADMIN_PASSWORD": "roses-are-red-2026",
}


def test_no_arguments_and_help_list_stemlinks_commands_and_point_to_djangos(tmp_path: Path) -> None:
    for args in ((), ("help",)):
        result = run(tmp_path, *args)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "Stemlink's commands:" in out
        for command in ("init", "migrate", "serve", "worker", "companies", "tokens", "demo-data"):
            assert f"\n  {command} " in out, command
        assert out.index("  init ") < out.index("  serve ") < out.index("  demo-data ")
        assert "stemlink help --all" in out
        assert "flush" not in out and "dumpdata" not in out  # Django's are behind --all
    # Listing commands opens no database: at first start var/ may get the generated server key and
    # the (empty) static directory, nothing else.
    made = {p.name for p in (tmp_path / "var").glob("*")} if (tmp_path / "var").exists() else set()
    assert made <= {"stemlink-secret-key", "static"}, made


def test_help_all_lists_djangos_commands_and_help_of_one_command_its_options(tmp_path: Path) -> None:
    everything = run(tmp_path, "help", "--all")
    assert everything.returncode == 0 and "flush" in everything.stdout and "[django]" in everything.stdout
    init = run(tmp_path, "help", "init")
    assert init.returncode == 0
    assert "--time-zone" in init.stdout and "STEMLINK_INIT_ADMIN_PASSWORD" in init.stdout
    assert "--admin-password" not in init.stdout


def test_version_names_stemlink_and_django(tmp_path: Path) -> None:
    result = run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.startswith("stemlink 0.") and "(Django 5." in result.stdout


def test_from_an_empty_directory_migrate_init_and_companies(tmp_path: Path) -> None:
    """The default settings, run from anywhere: migrate makes ./var, then the first run by script."""
    migrated = run(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "var" / "stemlink.sqlite3").is_file()
    empty = run(tmp_path, "companies")
    assert empty.returncode == 0 and "No companies yet: `stemlink init`" in empty.stdout
    made = run(tmp_path, "init", **INIT_ENV)
    assert made.returncode == 0, made.stderr
    assert "Created Acme Flowers: Company ID 1" in made.stdout
    listed = run(tmp_path, "companies")
    assert "Acme Flowers" in listed.stdout
    again = run(tmp_path, "init", **{**INIT_ENV, "STEMLINK_INIT_ADMIN_USERNAME": "second"})
    assert (
        again.returncode == 1 and "already has a company" in again.stderr and "Traceback" not in again.stderr
    )


def test_init_reads_the_password_from_stdin(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0
    env = {k: v for k, v in INIT_ENV.items() if k != "STEMLINK_INIT_ADMIN_PASSWORD"}
    made = run(tmp_path, "init", stdin="tulips-are-yellow-9\n", **env)
    assert made.returncode == 0, made.stderr


def test_a_database_with_no_tables_says_run_migrate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    one_clear_line(run(tmp_path, "companies", DATABASE_URL=url), "DATABASE_URL=", "run `stemlink migrate`")


def test_sqlite_in_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"
    for command in ("companies", "init", "serve"):
        one_clear_line(run(tmp_path, command, DATABASE_URL=url, **INIT_ENV), "DATABASE_URL=", "cannot open")


def test_sqlite_where_no_directory_can_be_made_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    url = f"sqlite:///{tmp_path / 'a-file' / 'var' / 'db.sqlite3'}"
    one_clear_line(run(tmp_path, "migrate", DATABASE_URL=url), "DATABASE_URL", "cannot create")
    one_clear_line(run(tmp_path, "companies", DATABASE_URL=url), "DATABASE_URL=", "cannot open")


def test_postgresql_on_a_closed_port_is_one_line_with_the_password_masked(tmp_path: Path) -> None:
    url = f"postgresql://stemlink:s3cret@127.0.0.1:{closed_port()}/stemlink"
    for command in ("migrate", "companies", "init", "worker"):
        line = one_clear_line(
            run(
                tmp_path,
                command,
                "--once" if command == "worker" else "--verbosity=1",
                DATABASE_URL=url,
                **INIT_ENV,
            ),
            "DATABASE_URL=postgresql://stemlink:***@127.0.0.1",
        )
        assert "s3cret" not in line


def test_a_url_that_is_no_database_url_is_one_line(tmp_path: Path) -> None:
    one_clear_line(
        run(tmp_path, "companies", DATABASE_URL="mysqlx://nowhere"), "DATABASE_URL is not a database URL"
    )


@pytest.fixture
def empty_postgresql_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database when the suite runs on PostgreSQL (dropped afterwards)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs on PostgreSQL only (DATABASE_URL=postgresql://…)")
    import psycopg

    name = f"stemlink_cli_{secrets.token_hex(4)}"
    server = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_empty_postgresql_database_from_first_command_to_first_company(
    tmp_path: Path, empty_postgresql_database: str
) -> None:
    url = empty_postgresql_database
    one_clear_line(run(tmp_path, "companies", DATABASE_URL=url), "not up to date", "run `stemlink migrate`")
    assert run(tmp_path, "migrate", DATABASE_URL=url).returncode == 0
    assert "No companies yet" in run(tmp_path, "companies", DATABASE_URL=url).stdout
    made = run(tmp_path, "init", DATABASE_URL=url, **INIT_ENV)
    assert made.returncode == 0, made.stderr
    assert "Acme Flowers" in run(tmp_path, "companies", DATABASE_URL=url).stdout


def test_serve_refuses_a_database_behind_the_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = run(tmp_path, "serve", "--port", str(closed_port()), DATABASE_URL=url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not up to date: run `stemlink migrate` first" in result.stderr
