"""`stemlink restore FILE`: bring a backup made by `stemlink backup` back as the SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stemlink.commands.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the SQLite database DATABASE_URL names with the backup FILE (made by `stemlink backup`). "
        "The backup is checked first. Refuses to overwrite a database that holds data unless --force; "
        "stop `stemlink serve` and `stemlink worker` before restoring over a live database. "
        "Run `stemlink migrate` afterwards if the backup is older than this version of Stemlink."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument(
            "--force", action="store_true", help="replace the current database even though it holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            info = restore(Path(options["file"]), force=options["force"])
        except BackupError as exc:
            self.stderr.write(f"nothing restored: {exc}")
            raise SystemExit(2) from None
        self.stdout.write(
            f"restored {options['file']} into {info.path} ({info.tables} tables, {info.migrations} "
            "migrations applied). Run `stemlink check-integrity` to verify, and `stemlink migrate` if "
            "this backup is older than the code."
        )
