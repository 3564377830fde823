"""The `stemlink` command: Django's management commands behind one entry point.

`stemlink migrate`, `stemlink demo-data`, `stemlink serve`, `stemlink worker`, `stemlink tokens …`;
`stemlink help` lists them all. Each reads DATABASE_URL from the environment.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) < 2:
        args.append("help")
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        # A refused setting (a weak key, say) is the operator's to fix: say which, no traceback.
        sys.stderr.write(f"stemlink: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
