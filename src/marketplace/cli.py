"""The `marketplace` command: Django's management commands behind one entry point.

`marketplace migrate`, `marketplace serve`, `marketplace worker`, `marketplace setup-demo-supplier`,
`marketplace connect-supplier`; `marketplace help` lists them all. Each reads
MARKETPLACE_DATABASE_URL from the environment.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    # The marketplace is its own project: it must never pick up Stemlink's settings by accident.
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) < 2:
        args.append("help")
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        # A refused setting (a weak key, say) is the operator's to fix: say which, no traceback.
        sys.stderr.write(f"marketplace: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
