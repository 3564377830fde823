"""A Django project's own command: its commands first, Django's behind `<prog> help --all`.

`<prog>` or `<prog> help` lists the project's commands with one line each; `<prog> help
<command>` shows one command's options; `<prog> --version` prints the version with Django's and
Python's. Every command reads the project's database URL variable; a database that cannot be
reached or opened, or has no tables yet, is one line saying so and what to do (exit status 1),
never a traceback. `stemlink.cli` and `marketplace.cli` each make one `ProjectCommand`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit, urlunsplit

DISTRIBUTION = "stemlink"  # both commands ship in the one `stemlink` distribution


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _one_line(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 90 else text.split(": ")[0].split(". ")[0].rstrip(".")


def shown_url(url: str) -> str:
    """The database URL with any password masked, fit for a message."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class ProjectCommand:
    prog: str  # the command's name, also the package whose commands are "ours"
    settings_module: str
    url_variable: str  # the environment variable holding the database URL
    title: str  # the heading over our commands in the overview
    order: tuple[str, ...]  # the order a new install meets them in; others follow alphabetically
    # True: always this project's settings, whatever DJANGO_SETTINGS_MODULE the shell has.
    force_settings: bool = False

    def version_line(self) -> str:
        return (
            f"{self.prog} {_version(DISTRIBUTION)} (Django {_version('django')}, "
            f"Python {sys.version.split()[0]})"
        )

    def overview(self) -> str:
        """The project's own commands, one line each, then where Django's are."""
        from django.core.management import get_commands, load_command_class

        ours = {name: app for name, app in get_commands().items() if app.startswith(f"{self.prog}.")}
        names = [n for n in self.order if n in ours] + sorted(n for n in ours if n not in self.order)
        width = max(len(n) for n in names)
        lines = [f"Usage: {self.prog} <command> [options]   ({self.version_line()})", "", self.title]
        for name in names:
            lines.append(f"  {name.ljust(width)}  {_one_line(load_command_class(ours[name], name).help)}")
        lines += [
            "",
            f"`{self.prog} help <command>` shows a command's options. Each reads {self.url_variable} "
            "(default: SQLite under ./var).",
            f"Django's own commands (changepassword, check, dbshell, …): `{self.prog} help --all`.",
        ]
        return "\n".join(lines)

    def database_problem(self, error: Exception) -> str | None:
        """Say in one line why the database failed, when it is the database URL or missing tables.

        None when the database is reachable and fully migrated (the error is something else).
        """
        from django.conf import settings
        from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
        from django.db.migrations.executor import MigrationExecutor

        url = shown_url(os.environ.get(self.url_variable) or str(settings.DATABASE_URL))
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            connection.close()
            connection.ensure_connection()
        except DatabaseError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else reason
            hint = ""
            if connection.vendor == "sqlite":
                hint = f" (does its directory exist and is it writable? `{self.prog} migrate` creates it)"
            return f"{self.prog}: cannot open the database {self.url_variable}={url}: {detail}{hint}"
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            plan = []
        if plan:
            return (
                f"{self.prog}: the database {self.url_variable}={url} is not up to date ({len(plan)} "
                f"migrations not applied): run `{self.prog} migrate` first ({reason})"
            )
        return None

    def main(self, argv: list[str] | None = None) -> None:
        if self.force_settings:
            os.environ["DJANGO_SETTINGS_MODULE"] = self.settings_module
        else:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", self.settings_module)
        args = list(sys.argv if argv is None else argv)
        command = args[1:]
        if command in (["--version"], ["version"]):
            print(self.version_line())
            return
        import django
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
        from django.db import DatabaseError

        try:
            django.setup()
        except ValueError as exc:  # dj-database-url refuses a URL it cannot parse
            sys.stderr.write(f"{self.prog}: {self.url_variable} is not a database URL: {exc}\n")
            sys.exit(2)
        except ImproperlyConfigured as exc:
            # A refused setting (a weak key, say) is the operator's to fix: say which, no traceback.
            sys.stderr.write(f"{self.prog}: {exc}\n")
            sys.exit(2)
        if command in ([], ["help"], ["-h"], ["--help"]):
            print(self.overview())
            return
        if command == ["help", "--all"]:
            args = [args[0], "help"]
        try:
            execute_from_command_line(args)
        except ImproperlyConfigured as exc:
            sys.stderr.write(f"{self.prog}: {exc}\n")
            sys.exit(2)
        except DatabaseError as exc:
            message = self.database_problem(exc)
            if message is None:
                raise
            sys.stderr.write(message + "\n")
            sys.exit(1)
