"""`marketplace migrate`: Django's migrate, which first creates the directory of a SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections


class Command(DjangoMigrate):
    help = "Create or update the marketplace's tables (and the directory of a SQLite database)."

    def execute(self, *args: Any, **options: Any) -> str | None:
        # Before Django's own system checks, which may already open the database.
        connection = connections[options.get("database") or "default"]
        name = str(connection.settings_dict.get("NAME") or "")
        if connection.vendor == "sqlite" and name and name != ":memory:" and not name.startswith("file:"):
            directory = Path(name).parent
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(
                    f"cannot create {directory} for the SQLite database of MARKETPLACE_DATABASE_URL: "
                    f"{exc.strerror or exc}"
                ) from None
        return super().execute(*args, **options)
