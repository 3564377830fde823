"""HTTP client for a wholesaler's Stemlink (or any Komet-compatible) sales API.

Every call has a timeout; writes carry an Idempotency-Key and are retried on network failure with
the same key, so a retry can never place a second order; the X-RateLimit-* headers are read after
every answer and the client slows down before the daily quota runs out. Failures are raised as
typed errors carrying the server's errorCode, message, availableBoxes and currentPrice.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import ssl
import time
from collections.abc import Callable
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings

from marketplace.suppliers import rules
from safeguards.http import AnswerTooLarge, DestinationRefused, GuardedTransport

log = logging.getLogger(__name__)

# Set by tests to route every client through a fake wholesaler (httpx.MockTransport).
transport_override: httpx.BaseTransport | None = None


def guarded_transport() -> GuardedTransport:
    """The transport of every real call: only addresses the policy allows, pinned, one deadline, capped.

    Loopback and private networks only with MARKETPLACE_ALLOW_PRIVATE_NETWORKS (the demo, tests);
    the whole call (connect, send, answer) ends within the connect plus the read timeout.
    """
    return GuardedTransport(
        allow_private=lambda: bool(settings.ALLOW_PRIVATE_NETWORKS),
        deadline_seconds=float(settings.API_CONNECT_TIMEOUT_SECONDS)
        + float(settings.API_READ_TIMEOUT_SECONDS),
        max_answer_bytes=int(settings.API_MAX_ANSWER_BYTES),
        # One CA bundle load per process, shared by every client (a sync makes one per token).
        ssl_context=_tls_context(),
    )


class ApiError(Exception):
    """The wholesaler refused a call (status 0) or could not be reached."""

    code = "api_error"

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        code: str | None = None,
        http_status: int | None = None,
        available_boxes: int | None = None,
        current_price: Decimal | None = None,
        errors: list[dict[str, Any]] | None = None,
        answer: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        if code:
            self.code = code
        self.http_status = http_status
        self.available_boxes = available_boxes
        self.current_price = current_price
        self.errors = errors or []
        self.answer = answer or {}

    def __str__(self) -> str:
        return f"{self.method}: {self.message} ({self.code})" if self.method else self.message


class InvalidToken(ApiError):
    code = "invalid_token"


class MethodNotAllowed(ApiError):
    code = "method_not_allowed_for_token"


class WrongAccount(ApiError):
    code = "wrong_account"


class ValidationFailed(ApiError):
    code = "validation_error"


class NotFound(ApiError):
    code = "not_found"


class NotAvailable(ApiError):
    code = "not_available"


class PriceChanged(ApiError):
    code = "price_changed"


class InvalidState(ApiError):
    code = "invalid_state"


class QuotaExceeded(ApiError):
    code = "quota_exceeded"


class IdempotencyConflict(ApiError):
    code = "idempotency_conflict"


class UnknownMethod(ApiError):
    code = "unknown_method"


class Unreachable(ApiError):
    """No answer after every retry (connection refused, timeout, broken connection, 502–504)."""

    code = "unreachable"


class DestinationNotAllowed(ApiError):
    """The base URL is, or resolves to, an address the marketplace does not call (never retried)."""

    code = "destination_not_allowed"


class TokensNotForThisUrl(ApiError):
    """The stored tokens were entered for another base URL: they are never sent to this one."""

    code = "tokens_not_for_this_url"


class BadAnswer(ApiError):
    """The server answered something that is not the API's JSON envelope (wrong base URL?)."""

    code = "bad_answer"


_ERRORS_BY_CODE: dict[str, type[ApiError]] = {
    cls.code: cls
    for cls in (
        InvalidToken,
        MethodNotAllowed,
        WrongAccount,
        ValidationFailed,
        NotFound,
        NotAvailable,
        PriceChanged,
        InvalidState,
        QuotaExceeded,
        IdempotencyConflict,
        UnknownMethod,
    )
}
_ERRORS_BY_HTTP = {401: InvalidToken, 404: NotFound, 429: QuotaExceeded}
_RETRYABLE_HTTP = {502, 503, 504}


def _decimal_or_none(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs tens of milliseconds; a sync makes a client per token each time,
    # so every client of the process shares one context (the same checks as httpx's default).
    return httpx.create_ssl_context()


class WholesalerClient:
    """One token's view of one wholesaler's API."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        account: int | None = None,
        transport: httpx.BaseTransport | None = None,
        attempts: int | None = None,
        retry_seconds: float | None = None,
        max_pacing_seconds: float = 2.0,
        on_rate_limit: Callable[[rules.RateLimit], None] | None = None,
        rate_limit: rules.RateLimit | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.base_url = base_url
        self._token = token
        self.account = account
        self.attempts = max(1, attempts if attempts is not None else settings.API_ATTEMPTS)
        self.retry_seconds = retry_seconds if retry_seconds is not None else settings.API_RETRY_SECONDS
        self.max_pacing_seconds = max_pacing_seconds
        self.on_rate_limit = on_rate_limit
        self.rate_limit = rate_limit
        self.calls = 0
        self.server_time: dt.datetime | None = None
        self._sleep = sleep
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._http = httpx.Client(
            transport=transport or transport_override or guarded_transport(),
            timeout=httpx.Timeout(
                settings.API_READ_TIMEOUT_SECONDS, connect=settings.API_CONNECT_TIMEOUT_SECONDS
            ),
            follow_redirects=False,
            # No proxy from the environment: a proxy would bypass the transport's address checks.
            trust_env=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WholesalerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """Call one API method and return its answer; raise the typed ApiError when it fails.

        Pass `idempotency_key` on every write: network failures are retried with that same key.
        """
        now = self._clock()
        if rules.quota_exhausted(self.rate_limit, now):
            raise QuotaExceeded("the wholesaler's daily API quota is used up until it resets", method=method)
        delay = rules.pacing_delay(
            self.rate_limit,
            now,
            slowdown_share=settings.API_QUOTA_SLOWDOWN_SHARE,
            max_delay=self.max_pacing_seconds,
        )
        if delay > 0:
            self._sleep(delay)
        headers = {"authenticationToken": self._token, "Accept": "application/json"}
        if self.account is not None:
            headers["X-ACCOUNT"] = str(self.account)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = rules.api_endpoint(self.base_url, method)
        body = json.dumps(params or {}, default=str)
        last_problem = ""
        for attempt in range(1, self.attempts + 1):
            try:
                self.calls += 1
                response = self._http.post(
                    url, content=body, headers={**headers, "Content-Type": "application/json"}
                )
            except DestinationRefused as exc:
                raise DestinationNotAllowed(str(exc), method=method) from exc
            except AnswerTooLarge as exc:
                raise BadAnswer(f"the answer is too large ({exc})", method=method) from exc
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                log.warning("%s attempt %d/%d failed: %s", method, attempt, self.attempts, last_problem)
            else:
                if response.status_code in _RETRYABLE_HTTP:
                    last_problem = f"HTTP {response.status_code}"
                else:
                    return self._answer(method, response)
            if attempt < self.attempts:
                self._sleep(self.retry_seconds * (2 ** (attempt - 1)))
        raise Unreachable(
            f"no answer from {self.base_url} after {self.attempts} attempts ({last_problem})", method=method
        )

    def _answer(self, method: str, response: httpx.Response) -> dict[str, Any]:
        now = self._clock()
        rate = rules.parse_rate_limit(dict(response.headers), now)
        if rate is not None:
            self.rate_limit = rate
            if self.on_rate_limit is not None:
                self.on_rate_limit(rate)
        date_header = response.headers.get("date")
        if date_header:
            try:
                self.server_time = parsedate_to_datetime(date_header).astimezone(dt.UTC)
            except (TypeError, ValueError):
                self.server_time = None
        try:
            answer = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise BadAnswer(
                f"HTTP {response.status_code} answer is not JSON: is the API base URL right?",
                method=method,
                http_status=response.status_code,
            ) from None
        if not isinstance(answer, dict):
            raise BadAnswer("answer is not a JSON object", method=method, http_status=response.status_code)
        status = answer.get("status", 1 if response.status_code < 400 else 0)
        if str(status) == "1" and response.status_code < 400:
            return answer
        code = str(answer.get("errorCode") or "")
        cls = _ERRORS_BY_CODE.get(code) or _ERRORS_BY_HTTP.get(response.status_code, ApiError)
        raise cls(
            str(answer.get("message") or f"HTTP {response.status_code}"),
            method=method,
            code=code or None,
            http_status=response.status_code,
            available_boxes=_int_or_none(answer.get("availableBoxes")),
            current_price=_decimal_or_none(answer.get("currentPrice")),
            errors=answer.get("errors") if isinstance(answer.get("errors"), list) else None,
            answer=answer,
        )
