"""Pure rules: take secrets out of what is written to a log (query strings, headers).

A token sent in a query string (`?token=…`, `?authenticationToken=…`, `?authorization=…`) or a
header (`authenticationToken`, `Authorization`, `Cookie`) must never reach an access log.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
# A parameter or header whose name contains one of these carries a secret.
_SENSITIVE = re.compile(
    r"token|authori[sz]ation|auth|secret|passw(or)?d|api[-_]?key|signature|session|cookie|csrf",
    re.IGNORECASE,
)
_PAIR = re.compile(r"([^&;=\s]+)=([^&;\s#]*)")


def is_sensitive_name(name: str) -> bool:
    """Tell whether a query parameter or header name (percent-encoded or not) carries a secret."""
    try:
        decoded = unquote_plus(name)
    except (UnicodeDecodeError, ValueError):
        decoded = name
    return bool(_SENSITIVE.search(decoded)) or bool(_SENSITIVE.search(name))


def redact_query(query: str) -> str:
    """Return a query string with the value of every sensitive parameter replaced."""
    if not query:
        return query

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"{name}={REDACTED}" if is_sensitive_name(name) else match.group(0)

    return _PAIR.sub(replace, query)


def redact_url(url: str) -> str:
    """Return a URL (or request target) with its query string's secrets redacted."""
    if not url or "?" not in url:
        return url
    head, _, query = url.partition("?")
    fragment = ""
    if "#" in query:
        query, _, fragment = query.partition("#")
        fragment = "#" + fragment
    return f"{head}?{redact_query(query)}{fragment}"


def redact_request_line(line: str) -> str:
    """Return 'METHOD target PROTOCOL' with the target's query secrets redacted."""
    parts = line.split(" ")
    if len(parts) >= 3:
        return " ".join([parts[0], redact_url(" ".join(parts[1:-1])), parts[-1]])
    return redact_url(line)
