"""An httpx transport that calls only the address it checked, within one deadline and a byte cap.

`GuardedTransport` resolves the URL's host once, judges every address with
`safeguards.address_rules`, and connects to the address it judged: the socket is opened to that IP
while the request keeps the name in its Host header and as the TLS server name (SNI and certificate
check), so a name re-pointed between the check and the connection (DNS rebinding) reaches nothing
new. It uses only public APIs: an httpcore connection pool per request with a network backend
that opens the pinned address, and that bounds every socket operation by what is left of the
request's overall deadline (connect, TLS, sending, and reading the whole answer), so a partner
dribbling one byte a second is cut at the deadline. It reads at most `max_answer_bytes` from the
socket (status line, headers and body together), and a client using it must not follow redirects.
"""

from __future__ import annotations

import socket
import ssl
import time
import typing
from collections.abc import Callable, Iterable, Iterator

import httpcore
import httpx

from safeguards import address_rules

Resolver = Callable[[str, int], list[str]]


class DestinationRefused(httpx.ConnectError):
    """The URL's host is, or resolves to, an address this server does not call."""


class AnswerTooLarge(httpx.ReadError):
    """The partner sent more bytes than the cap allows."""


class DeadlineExceeded(httpx.TimeoutException):
    """The whole exchange (connect, send, answer) took longer than its deadline."""


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a name once with the system resolver; return its addresses, first preferred."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation waits at most until the deadline, and reads a capped total."""

    def __init__(self, inner: httpcore.NetworkStream, budget: _Budget) -> None:
        self._inner = inner
        self._budget = budget

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        left = self._budget.left(httpcore.ReadTimeout)
        room = self._budget.cap - self._budget.read
        if room <= 0:
            raise httpcore.ReadError(f"answer larger than {self._budget.cap} bytes")
        data = self._inner.read(min(max_bytes, room), _min_timeout(timeout, left))
        self._budget.read += len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        left = self._budget.left(httpcore.WriteTimeout)
        self._inner.write(buffer, _min_timeout(timeout, left))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = self._budget.left(httpcore.ConnectTimeout)
        inner = self._inner.start_tls(ssl_context, server_hostname, _min_timeout(timeout, left))
        return _DeadlineStream(inner, self._budget)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _Budget:
    def __init__(self, deadline: float, cap: int) -> None:
        self.deadline = deadline
        self.cap = cap
        self.read = 0

    def left(self, timeout_error: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise timeout_error("the overall deadline of the call has passed")
        return left


def _min_timeout(timeout: float | None, left: float) -> float:
    return left if timeout is None else min(timeout, left)


class _PinnedBackend(httpcore.NetworkBackend):
    """Opens every connection to the checked addresses, whatever host httpcore asks for."""

    def __init__(self, addresses: list[str], budget: _Budget) -> None:
        self._addresses = addresses
        self._budget = budget
        self._sync = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self._addresses:
            left = self._budget.left(httpcore.ConnectTimeout)
            try:
                stream = self._sync.connect_tcp(
                    address, port, _min_timeout(timeout, left), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _DeadlineStream(stream, self._budget)
        raise last or httpcore.ConnectError("no address to connect to")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[typing.Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not called")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# httpcore's errors as httpx's, so callers catch httpx.HTTPError as with any other transport.
_ERRORS: list[tuple[type[Exception], type[httpx.RequestError]]] = [
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.TimeoutException, httpx.TimeoutException),
]


def _as_httpx_error(exc: Exception, request: httpx.Request, budget: _Budget) -> httpx.HTTPError:
    message = str(exc) or type(exc).__name__
    if budget.read >= budget.cap and isinstance(exc, httpcore.ReadError):
        return AnswerTooLarge(message, request=request)
    if isinstance(exc, httpcore.TimeoutException) and time.monotonic() >= budget.deadline:
        return DeadlineExceeded(f"no whole answer within the deadline ({message})", request=request)
    for core, mapped in _ERRORS:
        if isinstance(exc, core):
            return mapped(message, request=request)
    return httpx.TransportError(message, request=request)


class _AnswerStream(httpx.SyncByteStream):
    def __init__(
        self, pool: httpcore.ConnectionPool, stream: Iterable[bytes], request: httpx.Request, budget: _Budget
    ):
        self._pool = pool
        self._stream = stream
        self._request = request
        self._budget = budget

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except httpcore.TimeoutException as exc:
            raise _as_httpx_error(exc, self._request, self._budget) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _as_httpx_error(exc, self._request, self._budget) from exc

    def close(self) -> None:
        try:
            closer = getattr(self._stream, "close", None)
            if closer is not None:
                closer()
        finally:
            self._pool.close()


class GuardedTransport(httpx.BaseTransport):
    """Call only addresses the policy allows, pinned, within `deadline_seconds`, reading at most a cap.

    `allow_private` opts in to loopback and private networks (a demo, tests); link-local,
    multicast, unspecified and reserved addresses are refused whatever it says.
    """

    def __init__(
        self,
        *,
        allow_private: bool | Callable[[], bool],
        deadline_seconds: float,
        max_answer_bytes: int,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        # A callable is asked at every request, so a changed setting applies at once.
        self._allow_private = allow_private
        self.deadline_seconds = deadline_seconds
        self.max_answer_bytes = max_answer_bytes
        self._resolver = resolver
        self._ssl_context = ssl_context or httpx.create_ssl_context()

    @property
    def allow_private(self) -> bool:
        flag = self._allow_private
        return bool(flag() if callable(flag) else flag)

    def checked_addresses(self, url: httpx.URL) -> list[str]:
        """Resolve the URL's host once and return the addresses to connect to; raise DestinationRefused."""
        allow_private = self.allow_private
        host = url.raw_host.decode("ascii")
        problem = address_rules.url_host_problem(str(url), allow_private=allow_private)
        if problem:
            raise DestinationRefused(f"the URL {problem}")
        literal = address_rules.literal_address(host)
        if literal is not None:
            return [str(literal)]
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = self._resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpx.ConnectError(f"{host} does not resolve: {exc}") from exc
        verdict = address_rules.judge_resolved(host, addresses, allow_private=allow_private)
        if not verdict.ok:
            raise DestinationRefused(verdict.reason)
        return addresses

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        budget = _Budget(time.monotonic() + self.deadline_seconds, self.max_answer_bytes)
        addresses = self.checked_addresses(request.url)
        pool = httpcore.ConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=1,
            network_backend=_PinnedBackend(addresses, budget),
        )
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=typing.cast(Iterable[bytes], request.stream),
            extensions=request.extensions,
        )
        try:
            answer = pool.handle_request(core_request)
        except Exception as exc:
            pool.close()
            if isinstance(exc, httpcore.TimeoutException | httpcore.NetworkError | httpcore.ProtocolError):
                raise _as_httpx_error(exc, request, budget) from exc
            if isinstance(exc, httpcore.UnsupportedProtocol):
                raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
            raise
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_AnswerStream(pool, typing.cast(Iterable[bytes], answer.stream), request, budget),
            extensions=answer.extensions,
        )


def read_capped(response: httpx.Response, limit: int) -> bytes:
    """Read at most `limit` bytes of a streamed answer's body, and stop there."""
    taken = bytearray()
    for chunk in response.iter_raw():
        taken += chunk[: limit - len(taken)]
        if len(taken) >= limit:
            break
    return bytes(taken)


def sanitised_reason(response: httpx.Response, *, limit: int = 60) -> str:
    """Return 'HTTP <code> <reason phrase>' with only printable ASCII, short: never the partner's body."""
    phrase = response.reason_phrase or ""
    clean = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in phrase)[:limit].strip()
    return f"HTTP {response.status_code}" + (f" {clean}" if clean else "")
