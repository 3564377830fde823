"""The gunicorn worker `stemlink serve` runs: gunicorn's threaded worker, answering its own refusals as JSON.

`stemlink serve` sets gunicorn's limits high enough that Django sees every request up to the API's
documented limits and answers it with the envelope itself (`stemlink.api.rules.MAX_URL_BYTES`,
`MAX_HEADER_BYTES`, `MAX_PARAMETERS`), with an audit row. What is longer than even gunicorn takes
(a request line over 8,190 bytes, its absolute maximum; a header field over
`GUNICORN_FIELD_SIZE`; more than `GUNICORN_FIELDS` headers) never reaches Django: gunicorn refuses
it, and this worker writes that refusal as the same JSON envelope (`status` 0, `errorCode`,
`message`) with 414 or 431 instead of gunicorn's HTML page. Nothing is audited for those: the
request was never read far enough to know its token.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

GUNICORN_LINE = 8190  # gunicorn's absolute maximum for the request line
GUNICORN_FIELD_SIZE = 16384
GUNICORN_FIELDS = 200

_REFUSALS: dict[type[Exception], tuple[int, str, str, str]] = {
    LimitRequestLine: (
        414,
        "URI Too Long",
        "uri_too_long",
        f"The request line is longer than {GUNICORN_LINE:,} bytes; send the parameters in a POST body.",
    ),
    LimitRequestHeaders: (
        431,
        "Request Header Fields Too Large",
        "header_too_large",
        f"A header is longer than {GUNICORN_FIELD_SIZE:,} bytes, or there are more than "
        f"{GUNICORN_FIELDS} headers; send fewer or shorter headers.",
    ),
}


def refusal_bytes(exc: Exception) -> bytes | None:
    """The whole HTTP answer, as the JSON envelope, to a request gunicorn refused for its size."""
    for kind, (status, reason, code, message) in _REFUSALS.items():
        if isinstance(exc, kind):
            body = json.dumps({"status": 0, "message": message, "errorCode": code}).encode()
            head = (
                f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            return head.encode("latin-1") + body
    return None


class EnvelopeWorker(ThreadWorker):
    """gunicorn's gthread worker; a request too long for gunicorn is answered with the JSON envelope."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        answer = refusal_bytes(exc)
        if answer is None:
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("Refused a request from ip=%s: %s", (addr or ("",))[0], type(exc).__name__)
        try:
            util.write_nonblock(client, answer)
        except OSError:
            self.log.debug("Failed to send the refusal.")
