"""Too long is the envelope against a real `stemlink serve` (gunicorn) process, not only Django's test client.

Up to the API's documented limits gunicorn lets the request through and Django answers it with
the envelope; past them Django answers 414/431 with the envelope; past gunicorn's own absolute
maximum (a request line over 8,190 bytes) gunicorn refuses it, and `stemlink serve`'s worker
writes that refusal as the envelope too. Never gunicorn's HTML page.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from stemlink.api import rules
from stemlink.commands.gunicorn_worker import GUNICORN_FIELD_SIZE, GUNICORN_LINE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_answering(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=2)
            return
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "STEMLINK_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'stemlink.sqlite3'}",
    }
    done = subprocess.run(
        [str(BIN / "stemlink"), "migrate", "--no-input"],
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    port = _free_port()
    log = (tmp / "serve.log").open("ab")
    process = subprocess.Popen(
        [str(BIN / "stemlink"), "serve", "--port", str(port), "--workers", "1", "--no-collectstatic"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(f"{base}/api/company.list")
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _raw_get(base: str, target: str, headers: str = "") -> tuple[int, dict[str, str], bytes]:
    """Send a GET with a request line httpx would not build, and read the whole answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, fields, body


def _assert_envelope(status: int, fields: dict[str, str], body: bytes, expected: int, code: str) -> None:
    import json

    assert status == expected, body[:300]
    assert fields["content-type"].startswith("application/json"), fields
    answer = json.loads(body)
    assert answer["status"] == 0 and answer["errorCode"] == code and answer["message"]


def test_a_url_past_the_api_limit_but_within_gunicorns_is_answered_by_django(server):
    target = "/api/carrier.list?pad=" + "x" * (rules.MAX_URL_BYTES + 10)
    assert len(target) < GUNICORN_LINE
    _assert_envelope(*_raw_get(server, target), 414, "uri_too_long")


def test_a_url_past_gunicorns_absolute_maximum_is_still_the_envelope(server):
    target = "/api/carrier.list?pad=" + "x" * (GUNICORN_LINE + 500)
    _assert_envelope(*_raw_get(server, target), 414, "uri_too_long")


def test_a_header_past_the_api_limit_is_answered_by_django(server):
    header = f"X-Padding: {'p' * (rules.MAX_HEADER_BYTES + 10)}\r\n"
    assert len(header) < GUNICORN_FIELD_SIZE
    _assert_envelope(*_raw_get(server, "/api/carrier.list", header), 431, "header_too_large")


def test_a_header_past_gunicorns_limit_is_still_the_envelope(server):
    header = f"X-Padding: {'p' * (GUNICORN_FIELD_SIZE + 10)}\r\n"
    _assert_envelope(*_raw_get(server, "/api/carrier.list", header), 431, "header_too_large")


def test_too_many_parameters_are_the_envelope(server):
    query = "&".join(f"p{i}=1" for i in range(rules.MAX_PARAMETERS + 5))
    assert len(query) < GUNICORN_LINE
    _assert_envelope(*_raw_get(server, f"/api/carrier.list?{query}"), 414, "uri_too_long")
