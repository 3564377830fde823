"""GuardedTransport against real sockets: pinning, SNI, deadline, byte cap, no redirects, refusals."""

from __future__ import annotations

import datetime as dt
import ssl

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from safeguards.http import AnswerTooLarge, DeadlineExceeded, DestinationRefused, GuardedTransport
from tests.safeguards.servers import HostileServer, answer, dribble, flood, host_header


def _client(**kw) -> httpx.Client:
    options = {"allow_private": True, "deadline_seconds": 5.0, "max_answer_bytes": 64 * 1024}
    options.update(kw)
    ssl_context = options.pop("ssl_context", None)
    resolver = options.pop("resolver", None)
    extra = {"ssl_context": ssl_context} if ssl_context else {}
    if resolver:
        extra["resolver"] = resolver
    return httpx.Client(transport=GuardedTransport(**options, **extra), follow_redirects=False, timeout=30)


class CountingResolver:
    def __init__(self, answers: dict[str, list[str]]):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.answers:
            raise OSError(f"{host} does not resolve")
        return self.answers[host]


def test_connects_to_the_address_it_checked_with_the_names_host_header():
    # partner.test resolves nowhere but in this resolver: an answer proves the socket went to the
    # checked address, and the request still names the host.
    resolver = CountingResolver({"partner.test": ["127.0.0.1"]})
    with HostileServer(answer("200 OK", b"fine")) as server, _client(resolver=resolver) as client:
        response = client.post(f"http://partner.test:{server.port}/hook", content=b"{}")
    assert response.status_code == 200
    assert resolver.calls == ["partner.test"]  # resolved once
    assert host_header(server.seen.requests[0]) == f"partner.test:{server.port}"


def _certificate_for(name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def test_tls_uses_the_names_server_name_and_certificate_while_connecting_to_the_pinned_address(tmp_path):
    cert_pem, key_pem = _certificate_for("partner.test")
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    names: list[str | None] = []
    server_context.sni_callback = lambda sock, name, ctx: names.append(name)
    client_context = ssl.create_default_context(cadata=cert_pem.decode())
    resolver = CountingResolver({"partner.test": ["127.0.0.1"]})

    with HostileServer(answer("200 OK"), ssl_context=server_context) as server:
        with _client(resolver=resolver, ssl_context=client_context) as client:
            response = client.get(f"https://partner.test:{server.port}/")
        assert response.status_code == 200
        assert names == ["partner.test"]
        assert host_header(server.seen.requests[0]) == f"partner.test:{server.port}"
        # The certificate is checked against the name: another name is refused.
        other = CountingResolver({"other.test": ["127.0.0.1"]})
        with _client(resolver=other, ssl_context=client_context) as client, pytest.raises(httpx.ConnectError):
            client.get(f"https://other.test:{server.port}/")


def test_a_slow_loris_partner_is_cut_at_the_overall_deadline():
    # Each byte comes well within any per-read timeout, so only an overall deadline ends this
    # before the whole ~60-byte answer (about 15 s) has dribbled in.
    with HostileServer(dribble(0.25)) as server, _client(deadline_seconds=1.0) as client:
        with pytest.raises(DeadlineExceeded):
            client.post(f"http://127.0.0.1:{server.port}/hook", content=b"{}")
        assert server.seen.sent_bytes < 60


def test_a_huge_answer_is_cut_at_the_byte_cap():
    total = 20 * 1024 * 1024
    with (
        HostileServer(flood(total)) as server,
        _client(max_answer_bytes=64 * 1024) as client,
        pytest.raises(AnswerTooLarge),
    ):
        client.get(f"http://127.0.0.1:{server.port}/")
    assert server.seen.sent_bytes < total


def test_a_redirect_is_answered_not_followed():
    with HostileServer(answer("200 OK", b"internal")) as inside:
        redirect = answer("302 Found", headers={"Location": f"http://127.0.0.1:{inside.port}/admin"})
        with HostileServer(redirect) as server, _client() as client:
            response = client.post(f"http://127.0.0.1:{server.port}/hook", content=b"{}")
        assert response.status_code == 302
        assert inside.seen.connections == 0


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"],
)
def test_loopback_in_any_spelling_is_refused_without_the_opt_in_and_nothing_connects(host):
    with HostileServer(answer("200 OK")) as server, _client(allow_private=False) as client:
        # httpx itself refuses some spellings (0177.0.0.1) as an invalid URL: refused all the same.
        with pytest.raises((DestinationRefused, httpx.InvalidURL)):
            client.post(f"http://{host}:{server.port}/hook", content=b"{}")
        assert server.seen.connections == 0


def test_a_name_resolving_to_an_internal_address_is_refused_dns_rebinding():
    resolver = CountingResolver(
        {"rebound.test": ["93.184.215.14", "127.0.0.1"], "meta.test": ["169.254.169.254"]}
    )
    with HostileServer(answer("200 OK")) as server:
        with (
            _client(allow_private=False, resolver=resolver) as client,
            pytest.raises(DestinationRefused, match=r"rebound\.test resolves to 127\.0\.0\.1"),
        ):
            client.post(f"http://rebound.test:{server.port}/hook", content=b"{}")
        with (
            _client(allow_private=True, resolver=resolver) as client,
            pytest.raises(DestinationRefused, match="link-local"),
        ):
            client.get(f"http://meta.test:{server.port}/")
        assert server.seen.connections == 0


def test_the_opt_in_can_change_between_calls():
    flag = {"on": False}
    with (
        HostileServer(answer("204 No Content")) as server,
        _client(allow_private=lambda: flag["on"]) as client,
    ):
        with pytest.raises(DestinationRefused):
            client.get(f"http://127.0.0.1:{server.port}/")
        flag["on"] = True
        assert client.get(f"http://127.0.0.1:{server.port}/").status_code == 204
