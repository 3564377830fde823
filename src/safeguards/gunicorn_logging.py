"""A gunicorn logger whose access log never holds a token (`--logger-class` of both `serve` commands).

gunicorn writes the request line, query string, referrer, and any header or environ value the
access-log format names; each of them is redacted here before it is written.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from safeguards.redaction import REDACTED, is_sensitive_name, redact_query, redact_request_line, redact_url


class RedactingLogger(Logger):
    """gunicorn's logger, with query-string, header and cookie secrets replaced by [redacted]."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = dict(super().atoms(resp, req, environ, request_time))
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key == "r":
                atoms[key] = redact_request_line(value)
            elif key == "q":
                atoms[key] = redact_query(value)
            elif key == "f":
                atoms[key] = redact_url(value)
            elif key.startswith("{") and key[-2:] in {"}i", "}o", "}e"}:
                name = key[1:-2]
                if is_sensitive_name(name):
                    atoms[key] = REDACTED
                elif name in {"raw_uri", "request_uri", "http_referer"}:
                    atoms[key] = redact_url(value)
                elif name == "query_string":
                    atoms[key] = redact_query(value)
        return atoms
