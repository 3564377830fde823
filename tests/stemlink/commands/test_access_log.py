"""`stemlink serve` and `marketplace serve` write access logs without the tokens a query string carries."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
SECRET = "01jf8k3m9q2w4e6r8t0y2u4i6o"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> None:
    with contextlib.suppress(urllib.error.HTTPError):  # any answer is logged
        urllib.request.urlopen(url, timeout=10).close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "path"), [("stemlink", "/api/openapi.json"), ("marketplace", "/health/")]
)
def test_the_access_log_redacts_tokens_in_query_strings(tmp_path: Path, command: str, path: str):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEMLINK_", "MARKETPLACE_", "DJANGO_"))}
    env.update(
        {
            "STEMLINK_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'stemlink.sqlite3'}",
            "MARKETPLACE_DATABASE_URL": f"sqlite:///{tmp_path / 'marketplace.sqlite3'}",
            "STEMLINK_WEB_WORKERS": "1",
            "MARKETPLACE_WEB_WORKERS": "1",
        }
    )
    # `serve` refuses a database behind the code: migrate it first.
    subprocess.run(
        [str(BIN / command), "migrate", "--no-input"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    args = [str(BIN / command), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if command == "stemlink":
        args.append("--no-collectstatic")
    log = (tmp_path / "out.log").open("w")
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "out.log").read_text()
            try:
                _get(f"{base}{path}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        _get(f"{base}{path}?authenticationToken={SECRET}&page=2")
        _get(f"{base}{path}?token={SECRET}")
        _get(f"{base}{path}?Authorization=Bearer%20{SECRET}")
        deadline = time.monotonic() + 30
        while (tmp_path / "out.log").read_text().count(path) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    text = (tmp_path / "out.log").read_text()
    assert f"{path}?authenticationToken=[redacted]&page=2" in text
    assert f"{path}?token=[redacted]" in text
    assert SECRET not in text
