"""Backups of the embedded SQLite database with SQLite's online backup API, and their restore.

`sqlite3.Connection.backup` copies the database page by page under one read transaction, so the
copy is the database as it was at one moment, whatever writers do meanwhile (WAL mode lets them go
on; they never wait for the backup). A plain file copy of a live database can catch half a
transaction, and misses what is still in the `-wal` file. Restoring uses the same API the other
way, so the running database file, its WAL and other connections stay coherent.

PostgreSQL has its own tools (`pg_dump`, `pg_restore`); see the README.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    """Something a person must fix; the message says what."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size_bytes: int
    tables: int
    migrations: int


def sqlite_path() -> Path:
    """Return the file of the configured database; BackupError when it is not SQLite."""
    if connection.vendor != "sqlite":
        raise BackupError(
            f"DATABASE_URL names a {connection.vendor} database: `stemlink backup` and `stemlink restore` "
            "are for the embedded SQLite database. For PostgreSQL use pg_dump and pg_restore "
            "(README: Backups)."
        )
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("the database is in memory: there is nothing on disk to back up")
    return Path(name)


def inspect(path: Path) -> BackupInfo:
    """Open a SQLite file read-only and check it: BackupError unless it is a sound Stemlink database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            check = db.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise BackupError(
                    f"{path} is damaged: SQLite's check says {check[0] if check else 'nothing'}"
                )
            tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            has_migrations = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()[0]
            if not has_migrations:
                raise BackupError(
                    f"{path} is a SQLite database, but not a Stemlink one (no migrations table)"
                )
            migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from exc
    return BackupInfo(path, path.stat().st_size, int(tables), int(migrations))


def backup(target: Path, *, force: bool = False) -> BackupInfo:
    """Write a consistent copy of the live database to `target` (refused if it exists, unless forced)."""
    source_path = sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"there is no database at {source_path} yet: run `stemlink migrate` first")
    target = target.expanduser()
    if target.resolve() == source_path.resolve():
        raise BackupError("the backup file cannot be the database itself")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: choose another name, or add --force to replace it")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(str(source_path), timeout=30)
    copy = sqlite3.connect(str(partial))
    try:
        # All pages in one step: one read transaction, one moment of the database.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()
    info = inspect(partial)
    os.replace(partial, target)
    return BackupInfo(target, info.size_bytes, info.tables, info.migrations)


def database_in_use(path: Path) -> bool:
    """Tell whether a file holds a database with tables (a live Stemlink, not an empty placeholder)."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    except sqlite3.DatabaseError:
        return True  # something is there that is not ours to overwrite silently


def restore(source: Path, *, force: bool = False) -> BackupInfo:
    """Bring a backup back as the configured database (refused over a database in use, unless forced)."""
    target = sqlite_path()
    info = inspect(source.expanduser())
    if source.expanduser().resolve() == target.resolve():
        raise BackupError("the backup file is the database itself")
    if database_in_use(target) and not force:
        raise BackupError(
            f"{target} already holds a database: restoring replaces everything in it. Stop Stemlink's "
            "processes (serve, worker), then run again with --force"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()  # this process's own connection must not keep the old pages
    backup_db = sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)
    live = sqlite3.connect(str(target), timeout=30)
    try:
        backup_db.backup(live, pages=-1)
        live.execute("PRAGMA journal_mode=WAL")
    finally:
        live.close()
        backup_db.close()
    return BackupInfo(target, target.stat().st_size, info.tables, info.migrations)
