"""Secrets never reach a log line: query strings, request lines, referrers and headers are redacted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from safeguards.gunicorn_logging import RedactingLogger
from safeguards.redaction import redact_query, redact_request_line, redact_url

SECRET = "01jf8k3m9q2w4e6r8t0y2u4i6o"


@pytest.mark.parametrize(
    "query",
    [
        f"authenticationToken={SECRET}",
        f"token={SECRET}&x=1",
        f"x=1&TOKEN={SECRET}",
        f"authorization=Bearer%20{SECRET}",
        f"Authorization={SECRET};y=2",
        f"authentication%54oken={SECRET}",
        f"api_key={SECRET}",
        f"password={SECRET}",
        f"a=1&access_token={SECRET}#frag",
    ],
)
def test_sensitive_query_values_are_redacted(query):
    assert SECRET not in redact_query(query)
    assert SECRET not in redact_url(f"/api/carrier.list?{query}")
    assert SECRET not in redact_request_line(f"POST /api/carrier.list?{query} HTTP/1.1")


def test_other_values_and_the_path_are_kept():
    assert redact_query("page=2&sort=name") == "page=2&sort=name"
    assert redact_url("/orders/?page=2&token=x") == "/orders/?page=2&token=[redacted]"
    assert redact_request_line("GET /a/b HTTP/1.1") == "GET /a/b HTTP/1.1"


def test_the_gunicorn_access_log_holds_no_token(tmp_path: Path):
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    config.set(
        "access_log_format",
        '%(h)s "%(r)s" %(s)s q=%(q)s ref=%(f)s auth=%({authorization}i)s tok=%({authenticationtoken}i)s '
        "raw=%({raw_uri}e)s",
    )
    logger = RedactingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/x?authenticationToken={SECRET}&page=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": f"authenticationToken={SECRET}&page=2",
        "PATH_INFO": "/api/x",
        "HTTP_REFERER": f"https://shop.example/?token={SECRET}",
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(
        headers=[("AUTHORIZATION", f"Bearer {SECRET}"), ("AUTHENTICATIONTOKEN", SECRET)]
    )
    response = SimpleNamespace(status="200 OK", headers=[("Set-Cookie", f"sessionid={SECRET}")], sent=10)
    logger.access(response, request, environ, dt.timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()
    assert "/api/x?authenticationToken=[redacted]&page=2" in line
    assert SECRET not in line
