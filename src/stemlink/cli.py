"""The `stemlink` command: Stemlink's own commands first, Django's behind `stemlink help --all`.

`stemlink` or `stemlink help` lists Stemlink's commands with one line each; `stemlink help
<command>` shows one command's options; `stemlink --version` prints Stemlink's and Django's
versions. Every command reads DATABASE_URL; a database that cannot be reached or opened, or has
no tables yet, is one line saying so and what to do. The behaviour is `projectkit.cli`'s, shared
with the marketplace's command.
"""

from __future__ import annotations

from projectkit.cli import ProjectCommand

COMMAND = ProjectCommand(
    prog="stemlink",
    settings_module="stemlink.settings",
    url_variable="DATABASE_URL",
    title="Stemlink's commands:",
    order=("init", "migrate", "serve", "worker", "companies", "tokens", "endpoints", "reserve"),
)


def main(argv: list[str] | None = None) -> None:
    COMMAND.main(argv)


if __name__ == "__main__":
    main()
