"""`stemlink backup` and `stemlink restore` on a live SQLite database with writes running.

These tests make their own SQLite database in a temporary folder and drive real `stemlink`
processes against it, so they run the same whatever database the suite itself uses.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from stemlink.commands.backup import BackupError, database_in_use, inspect

REPO = Path(__file__).resolve().parents[3]
STEMLINK = str(Path(sys.executable).with_name("stemlink"))


def env_for(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STEMLINK_TEST_DB_NAME",)}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["PYTHONPATH"] = str(REPO)
    return env


def stemlink(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [STEMLINK, *args], env=env_for(database), cwd=REPO, capture_output=True, text=True, timeout=300
    )


def count(database: Path, table: str) -> int:
    with closing(sqlite3.connect(database)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("migrated") / "empty.sqlite3"
    result = stemlink(database, "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    return database


@pytest.fixture
def live(migrated: Path, tmp_path: Path) -> Path:
    """A migrated database of this test's own (copied from a closed, idle template: safe)."""
    database = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(migrated)) as source, closing(sqlite3.connect(database)) as copy:
        source.backup(copy)
    return database


@pytest.mark.slow
def test_a_backup_taken_during_writes_is_consistent_and_restores(live: Path, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.stemlink.commands.backup_writer", str(stop)],
        env=env_for(live),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    done = [0]

    def follow() -> None:
        assert writer.stdout is not None
        for line in writer.stdout:
            done[0] = int(line)

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    try:
        deadline = time.monotonic() + 120
        while done[0] < 5:
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
            assert time.monotonic() < deadline, "the writer made no checkouts"
            time.sleep(0.1)
        backup_file = tmp_path / "backup.sqlite3"
        made = stemlink(live, "backup", str(backup_file))
        assert made.returncode == 0, made.stderr
        assert "backup written to" in made.stdout and "passed SQLite's check" in made.stdout
        at_backup = done[0]
        deadline = time.monotonic() + 120
        while done[0] < at_backup + 3:  # writes go on after the backup
            assert time.monotonic() < deadline, "the writer stopped during the backup"
            time.sleep(0.1)
    finally:
        stop.touch()
        writer.wait(timeout=120)
        follower.join(timeout=30)
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert not Path(str(backup_file) + "-wal").exists()
    in_backup = count(backup_file, "orders_invoice")
    assert 5 <= in_backup < count(live, "orders_invoice")
    # One moment of the database: every invoice with its fee entry and its sold boxes.
    assert count(backup_file, "orders_feeentry") == in_backup
    checked = stemlink(backup_file, "check-integrity")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    restored = tmp_path / "restored.sqlite3"
    result = stemlink(restored, "restore", str(backup_file))
    assert result.returncode == 0, result.stderr
    assert count(restored, "orders_invoice") == in_backup
    # The restored database is live now: a second restore over it must be asked for.
    again = stemlink(restored, "restore", str(backup_file))
    assert again.returncode == 2
    assert "already holds a database" in again.stderr and "--force" in again.stderr
    forced = stemlink(restored, "restore", str(backup_file), "--force")
    assert forced.returncode == 0, forced.stderr
    assert count(restored, "orders_invoice") == in_backup


def test_bad_input_gets_a_clear_message_and_changes_nothing(live: Path, tmp_path: Path) -> None:
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")
    refused = stemlink(live, "backup", str(existing))
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert existing.read_text() == "keep me"
    not_a_backup = stemlink(tmp_path / "target.sqlite3", "restore", str(existing))
    assert not_a_backup.returncode == 2 and "is not a SQLite database" in not_a_backup.stderr
    assert not (tmp_path / "target.sqlite3").exists()


def test_what_restore_checks_before_it_touches_anything(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="does not exist"):
        inspect(tmp_path / "missing.sqlite3")
    foreign = tmp_path / "foreign.sqlite3"
    with closing(sqlite3.connect(foreign)) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not a Stemlink one"):
        inspect(foreign)
    assert database_in_use(foreign) and not database_in_use(tmp_path / "missing.sqlite3")


def test_on_postgresql_backup_points_at_pg_dump(db, capsys) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite `stemlink backup` makes the backup (tests above)")
    with pytest.raises(SystemExit) as exit_:
        call_command("backup", "/tmp/never-written.sqlite3")
    assert exit_.value.code == 2
    assert "pg_dump" in capsys.readouterr().err
