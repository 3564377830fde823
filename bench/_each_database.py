"""Run a benchmark's measuring child once per database, each in a fresh database of its own.

`bench/backoffice.py` and `bench/large_answers.py` load a history into an empty database and measure it
in a child process (so settings and connections are the child's alone). This module holds the parent's
side they share: a temporary SQLite file and a PostgreSQL database made for the run and dropped after it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def child_argv() -> list[str]:
    """The parent's own arguments without `--only <database>`, for the child."""
    return [a for a in sys.argv[1:] if not a.startswith("--only") and a not in ("sqlite", "postgresql")]


def _run_child(script: str, label: str, database_url: str, argv: list[str], var_dir: str) -> int:
    print(f"{label}:", flush=True)
    env = dict(os.environ, DATABASE_URL=database_url, STEMLINK_VAR_DIR=var_dir, STEMLINK_LOG_LEVEL="WARNING")
    env["STEMLINK_ALLOWED_HOSTS"] = "testserver"
    return subprocess.call([sys.executable, script, "--child", *argv], env=env, cwd=ROOT)


def run_on_each(script: str, only: str | None) -> int:
    """Run `script --child` on SQLite, then PostgreSQL (or the one `only` names); 1 if any run failed."""
    argv = child_argv()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="stemlink-bench-") as tmp:
        if only in (None, "sqlite"):
            failures += _run_child(script, "SQLite", f"sqlite:///{tmp}/bench.sqlite3", argv, tmp) != 0
        if only in (None, "postgresql"):
            import psycopg

            name = f"stemlink_bench_{os.getpid()}"
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
                failures += _run_child(script, "PostgreSQL", url, argv, tmp) != 0
            finally:
                with psycopg.connect(PG_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 1 if failures else 0
