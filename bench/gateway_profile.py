"""Profile: where one API call's time goes beyond its handler (cProfile, SQLite by default).

Makes a fresh database with one wholesaler, then calls `carrier.list` (a handler that does almost
nothing) N times with a Company token through Django's test client (the whole WSGI stack: the
middleware, URL resolution, the gateway) and prints the mean wall time per call and cProfile's
top functions by cumulative time.
Run: `.venv/bin/python bench/gateway_profile.py` (`--calls N`, `--top N`; DATABASE_URL for another
database).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="stemlink-profile-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/profile.sqlite3")
    os.environ.setdefault("STEMLINK_VAR_DIR", tmp)
    os.environ.setdefault("STEMLINK_LOG_LEVEL", "WARNING")
    os.environ["STEMLINK_ALLOWED_HOSTS"] = "testserver"  # the test client's host name
    os.environ["STEMLINK_API_BURST_PER_MINUTE"] = str(args.calls * 10)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    import django

    django.setup()
    import orjson
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from tests.api_helpers import issue_token
    from tests.factories import make_world

    call_command("migrate", verbosity=0)
    world = make_world("Profile Wholesaler")
    world.company.paid_users = args.calls  # a daily quota (1,000 per paid user) the run stays under
    world.company.save(update_fields=["paid_users"])
    token = issue_token(world.company, "company", description="profile")
    client = Client()
    headers = {"authenticationToken": token, "X-ACCOUNT": str(world.company.pk)}

    def call() -> None:
        response = client.get("/api/carrier.list", headers=headers)
        assert response.status_code == 200, orjson.loads(response.content)

    for _ in range(20):  # warm up: imports, the method registry, connections
        call()
    started = time.perf_counter()
    for _ in range(args.calls):
        call()
    plain = (time.perf_counter() - started) / args.calls
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.calls):
        call()
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{args.calls} carrier.list calls ({connection.vendor}): {plain * 1000:.2f} ms per call unprofiled")
    # Unlike the times, the count of Python function calls does not depend on the machine's load.
    print(f"{stats.total_calls / args.calls:,.0f} Python function calls per call")  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
