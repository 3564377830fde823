"""`stemlink backup FILE`: a consistent copy of the live SQLite database (SQLite's online backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stemlink.commands.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database DATABASE_URL names to FILE, while Stemlink keeps "
        "running (SQLite's online backup API, not a file copy: the copy is the database at one moment). "
        "Restore it with `stemlink restore FILE`. For PostgreSQL use pg_dump (README: Backups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup (a new file)")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            info = backup(Path(options["file"]), force=options["force"])
        except BackupError as exc:
            self.stderr.write(f"backup not made: {exc}")
            raise SystemExit(2) from None
        self.stdout.write(
            f"backup written to {info.path} ({info.size_bytes} bytes, {info.tables} tables, "
            f"{info.migrations} migrations applied); it passed SQLite's check"
        )
