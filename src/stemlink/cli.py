"""The `stemlink` command: Stemlink's own commands first, Django's behind `stemlink help --all`.

`stemlink` or `stemlink help` lists Stemlink's commands with one line each; `stemlink help
<command>` shows one command's options; `stemlink --version` prints Stemlink's and Django's
versions. Every command reads DATABASE_URL; a database that cannot be reached or opened, or has
no tables yet, is one line saying so and what to do (exit status 1), never a traceback.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit, urlunsplit

PROG = "stemlink"
URL_VARIABLE = "DATABASE_URL"
# The order a new install meets them in; any other command of ours follows alphabetically.
ORDER = ("init", "migrate", "serve", "worker", "companies", "tokens", "endpoints", "reserve")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def version_line() -> str:
    # Both commands ship in the one `stemlink` distribution.
    return f"{PROG} {_version('stemlink')} (Django {_version('django')}, Python {sys.version.split()[0]})"


def _one_line(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 90 else text.split(": ")[0].split(". ")[0].rstrip(".")


def overview() -> str:
    """Stemlink's own commands, one line each, then where Django's are."""
    from django.core.management import get_commands, load_command_class

    ours = {name: app for name, app in get_commands().items() if app.startswith(f"{PROG}.")}
    names = [n for n in ORDER if n in ours] + sorted(n for n in ours if n not in ORDER)
    width = max(len(n) for n in names)
    lines = [f"Usage: {PROG} <command> [options]   ({version_line()})", "", "Stemlink's commands:"]
    for name in names:
        lines.append(f"  {name.ljust(width)}  {_one_line(load_command_class(ours[name], name).help)}")
    lines += [
        "",
        f"`{PROG} help <command>` shows a command's options. Each reads {URL_VARIABLE} "
        "(default: SQLite under ./var).",
        f"Django's own commands (changepassword, check, dbshell, …): `{PROG} help --all`.",
    ]
    return "\n".join(lines)


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


def database_problem(error: Exception) -> str | None:
    """Say in one line why the database failed, when it is the database URL or missing tables.

    None when the database is reachable and fully migrated (the error is something else).
    """
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor

    url = shown_url(os.environ.get(URL_VARIABLE) or _default_url())
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else reason
        hint = ""
        if connection.vendor == "sqlite":
            hint = f" (does its directory exist and is it writable? `{PROG} migrate` creates it)"
        return f"{PROG}: cannot open the database {URL_VARIABLE}={url}: {detail}{hint}"
    try:
        plan = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    except DatabaseError:
        plan = []
    if plan:
        return (
            f"{PROG}: the database {URL_VARIABLE}={url} is not up to date ({len(plan)} migrations not "
            f"applied): run `{PROG} migrate` first ({reason})"
        )
    return None


def _default_url() -> str:
    from django.conf import settings

    return str(settings.DATABASE_URL)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    args = list(sys.argv if argv is None else argv)
    command = args[1:]
    if command in (["--version"], ["version"]):
        print(version_line())
        return
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        django.setup()
    except ValueError as exc:  # dj-database-url refuses a URL it cannot parse
        sys.stderr.write(f"{PROG}: {URL_VARIABLE} is not a database URL: {exc}\n")
        sys.exit(2)
    except ImproperlyConfigured as exc:
        # A refused setting (a weak key, say) is the operator's to fix: say which, no traceback.
        sys.stderr.write(f"{PROG}: {exc}\n")
        sys.exit(2)
    if command in ([], ["help"], ["-h"], ["--help"]):
        print(overview())
        return
    if command == ["help", "--all"]:
        args = [args[0], "help"]
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        sys.exit(2)
    except DatabaseError as exc:
        message = database_problem(exc)
        if message is None:
            raise
        sys.stderr.write(message + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
