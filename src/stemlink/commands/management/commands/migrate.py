"""`stemlink migrate`: Django's migrate, which first creates the directory of a SQLite database.

Run from anywhere with the default settings, the database is ./var/stemlink.sqlite3: without
this, a fresh directory ends in "unable to open database file".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections


def ensure_sqlite_directory(alias: str, variable: str) -> None:
    """Create the directory a SQLite database file lives in; a clear error when it cannot be."""
    settings = connections[alias].settings_dict
    name = str(settings.get("NAME") or "")
    if connections[alias].vendor != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return
    directory = Path(name).parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(
            f"cannot create {directory} for the SQLite database of {variable}: {exc.strerror or exc}"
        ) from None


class Command(DjangoMigrate):
    help = "Create or update the database tables (and the directory of a SQLite database)."

    def execute(self, *args: Any, **options: Any) -> str | None:
        # Before Django's own system checks, which may already open the database.
        ensure_sqlite_directory(options.get("database") or "default", "DATABASE_URL")
        return super().execute(*args, **options)
