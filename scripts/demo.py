"""Run the whole demo: Stemlink with demo data, its worker, the marketplace and its sync worker.

Called by `make demo`. It migrates both databases, loads the two demo companies (the wholesaler in
Miami, the exporter in Bogotá), hands each one's BloomNet tokens and IDs to the marketplace (through
environment variables of the child processes, never a file or a command line) so the marketplace
has both as suppliers, registers the marketplace's webhooks, starts the four processes and prints
where to go and how to sign in. One password for every demo login (the users of both companies,
the marketplace's florist and operator) is generated here on every run, handed to the commands
that set it through their environment, and printed once, in that summary. Ctrl-C stops everything.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEMLINK = str(BIN / "stemlink")
MARKETPLACE = str(BIN / "marketplace")
HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
STEMLINK_PORT = int(os.environ.get("STEMLINK_PORT", "8000"))
MARKETPLACE_PORT = int(os.environ.get("MARKETPLACE_PORT", "8100"))
FLORIST_EMAIL = "florist@example.com"
# The demo companies, as `stemlink demo-data` names them (the first also gets the marketplace logins).
MIAMI = "Sunrise Flowers Miami"
BOGOTA = "Andes Blooms Bogotá"


def say(text: str) -> None:
    print(f"[demo] {text}", flush=True)


def fail(text: str) -> None:
    print(f"[demo] {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def run(args: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, text=True, capture_output=capture, check=False)
    if result.returncode != 0:
        if capture:
            sys.stderr.write(result.stderr)
        fail(f"`{' '.join(Path(args[0]).name if i == 0 else a for i, a in enumerate(args))}` failed.")
    return result.stdout if capture else ""


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_for(url: str, seconds: float, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                fail(f"a process stopped while starting (exit {proc.returncode}); see its output above.")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our own loopback URL
                if answer.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    fail(f"{url} did not answer within {seconds:.0f} seconds.")


def connect_supplier(
    company: str, env: dict[str, str], stemlink_url: str, marketplace_url: str, *, logins_password: str = ""
) -> dict:
    """Hand one demo company's BloomNet tokens to the marketplace and register its webhook."""
    say(f"Handing {company}'s BloomNet tokens and IDs to the marketplace …")
    handover = json.loads(
        run([STEMLINK, "demo-handover", "--company", company], env, capture=True).strip().splitlines()[-1]
    )
    webhook_secret = secrets.token_urlsafe(32)
    connect_env = dict(env)
    connect_env.update(
        {
            "MARKETPLACE_COMPANY_TOKEN": handover["companyToken"],
            "MARKETPLACE_CUSTOMER_TOKEN": handover["customerToken"],
            "MARKETPLACE_WEBHOOK_SECRET": webhook_secret,
        }
    )
    connect = [
        MARKETPLACE,
        "setup-demo-supplier" if logins_password else "connect-supplier",
        "--name",
        company,
        "--base-url",
        stemlink_url,
        "--company-id",
        str(handover["companyId"]),
        "--customer-id",
        str(handover["customerId"]),
        "--carrier-id",
        str(handover["carrierId"]),
        "--wait",
        "30",
    ]
    if logins_password:
        # The operator and the florist: made once, with the first supplier.
        connect += ["--operator-username", "operator", "--florist-email", FLORIST_EMAIL]
        connect_env["MARKETPLACE_DEMO_PASSWORD"] = logins_password
    if handover.get("locationId"):
        connect += ["--location-id", str(handover["locationId"])]
    output = run(connect, connect_env, capture=True)
    sys.stdout.write(output)
    supplier_id = next(
        (word for line in output.splitlines() if line.startswith("Supplier ") for word in line.split()[1:2]),
        None,
    )
    if supplier_id is None:
        fail(f"the marketplace did not say which supplier it connected for {company}.")
    hook_env = dict(env, DEMO_WEBHOOK_SECRET=webhook_secret)
    run(
        [
            STEMLINK,
            "demo-handover",
            "--company",
            company,
            "--skip-tokens",
            "--webhook-url",
            f"{marketplace_url}/webhooks/{supplier_id}/",
        ],
        hook_env,
        capture=True,
    )
    return handover


def main() -> None:
    env = dict(os.environ)
    env.setdefault("STEMLINK_VAR_DIR", str(ROOT / "var"))
    # The demo alone runs everything on one machine: Stemlink's webhooks go to the marketplace and
    # the marketplace's API calls to Stemlink, both on 127.0.0.1. Outside the demo loopback and
    # private addresses are refused unless an operator opts in with these same variables.
    env.setdefault("STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "1")
    env.setdefault("MARKETPLACE_ALLOW_PRIVATE_NETWORKS", "1")
    Path(env["STEMLINK_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    for port, what in ((STEMLINK_PORT, "STEMLINK_PORT"), (MARKETPLACE_PORT, "MARKETPLACE_PORT")):
        if not port_is_free(port):
            fail(f"port {port} is taken: stop what uses it, or set {what}=<another port>.")

    say("Preparing Stemlink's database and demo data …")
    run([STEMLINK, "migrate", "--no-input", "-v", "0"], env)
    # One password for every demo login, new on every run: in no file, only in the summary below.
    password = secrets.token_urlsafe(12)
    run([STEMLINK, "demo-data"], dict(env, STEMLINK_DEMO_PASSWORD=password))
    say("Preparing the marketplace's database …")
    run([MARKETPLACE, "migrate", "--no-input", "-v", "0"], env)

    procs: list[subprocess.Popen] = []

    def stop_all(*_: object) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        say("Stopped.")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)

    stemlink_url = f"http://{HOST}:{STEMLINK_PORT}"
    marketplace_url = f"http://{HOST}:{MARKETPLACE_PORT}"
    procs.append(
        subprocess.Popen([STEMLINK, "serve", "--host", HOST, "--port", str(STEMLINK_PORT)], env=env, cwd=ROOT)
    )
    wait_for(f"{stemlink_url}/api/openapi.json", 60, procs)

    connected = [
        connect_supplier(MIAMI, env, stemlink_url, marketplace_url, logins_password=password),
        connect_supplier(BOGOTA, env, stemlink_url, marketplace_url),
    ]

    procs.append(subprocess.Popen([STEMLINK, "worker"], env=env, cwd=ROOT))
    procs.append(
        subprocess.Popen(
            [MARKETPLACE, "serve", "--host", HOST, "--port", str(MARKETPLACE_PORT)], env=env, cwd=ROOT
        )
    )
    procs.append(subprocess.Popen([MARKETPLACE, "worker"], env=env, cwd=ROOT))
    wait_for(f"{marketplace_url}/", 60, procs)

    print(
        f"""
==================================================================================
 Stemlink is running with two demo companies, both suppliers of the demo marketplace.

 Password for every sign-in below:   {password}
 (a new one on every `make demo`, shown only here)

 Stemlink back office   {stemlink_url}/
   {MIAMI} ({connected[0]["timeZone"]}, Company ID {connected[0]["companyId"]}):
     admin (administrator), rep (sales rep), warehouse, accounting
   {BOGOTA} ({connected[1]["timeZone"]}, Company ID {connected[1]["companyId"]}):
     bogota-admin, bogota-rep, bogota-warehouse, bogota-accounting
 Stemlink API docs      {stemlink_url}/api/docs
 Marketplace            {marketplace_url}/
     florist: {FLORIST_EMAIL}    operator: operator

 Buy on the marketplace; the order waits under Orders in the back office to confirm.
 Ctrl-C stops everything.
==================================================================================
""",
        flush=True,
    )
    while True:
        for proc in procs:
            if proc.poll() is not None:
                say(f"a process stopped (exit {proc.returncode}); stopping the others.")
                stop_all()
        time.sleep(1)


if __name__ == "__main__":
    main()
