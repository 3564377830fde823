"""The `marketplace` command: the marketplace's own commands first, Django's behind `help --all`.

`marketplace` or `marketplace help` lists its commands with one line each; `marketplace help
<command>` shows one command's options; `marketplace --version` prints its and Django's versions.
Every command reads MARKETPLACE_DATABASE_URL; a database that cannot be reached or opened, or has
no tables yet, is one line saying so and what to do. The behaviour is `projectkit.cli`'s, shared
with Stemlink's command.
"""

from __future__ import annotations

from projectkit.cli import ProjectCommand

COMMAND = ProjectCommand(
    prog="marketplace",
    settings_module="marketplace.settings",
    url_variable="MARKETPLACE_DATABASE_URL",
    title="The marketplace's commands:",
    order=("init", "migrate", "serve", "worker", "connect-supplier"),
    # The marketplace is its own project: it must never pick up Stemlink's settings by accident.
    force_settings=True,
)


def main(argv: list[str] | None = None) -> None:
    COMMAND.main(argv)


if __name__ == "__main__":
    main()
