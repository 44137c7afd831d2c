"""REGTRACK_SMTP_URL against real servers on 127.0.0.1: STARTTLS with AUTH, implicit TLS (smtps),
certificate checks, a wrong password; and the URL's parsing."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine

from notifications.errors import TransportError
from notifications.smtp import parse_smtp_url
from regtrack.services import digests
from tests.support.notify import backdate_subscriptions, make_settings, march_2024, utc
from tests.support.smtp import SmtpSink, serve_smtp

APRIL_2 = dt.datetime(2024, 4, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
USER, PASSWORD = "digest@regtrack.test", "p@ss:w/rd"


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@contextmanager
def tls_server(context: ssl.SSLContext, *, implicit: bool) -> Iterator[tuple[SmtpSink, int]]:
    options: dict[str, Any] = {"authenticator": _authenticator, "auth_require_tls": True}
    if implicit:  # aiosmtpd only knows TLS from STARTTLS; on smtps the socket itself is TLS
        options.update(ssl_context=context, auth_require_tls=False)
    else:
        options.update(tls_context=context, require_starttls=True)
    with serve_smtp(server_hostname="127.0.0.1", **options) as sink:
        yield sink, sink.port


def _send(engine: Engine, tmp_path: Path, url: str) -> digests.SendReport:
    return digests.send_due(
        engine, make_settings(tmp_path, "unused", url), "monthly", APRIL_2, retry_delays=()
    )


def _one_subscriber(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    settings = make_settings(tmp_path, "unused")
    result = digests.subscribe(engine, settings, "reader@example.org", {}, "monthly")
    digests.confirm(engine, settings, result.token)
    backdate_subscriptions(engine, utc(2024, 1, 1))


CREDENTIALS = "digest%40regtrack.test:p%40ss%3Aw%2Frd"  # percent-encoded in the URL


def test_starttls_with_login_delivers(engine: Engine, tmp_path: Path, tls_context: ssl.SSLContext) -> None:
    _one_subscriber(engine, tmp_path)
    with tls_server(tls_context, implicit=False) as (sink, port):
        # The certificate is self-signed: verification is on by default and refuses it.
        strict = _send(engine, tmp_path, f"smtp+starttls://{CREDENTIALS}@127.0.0.1:{port}?timeout=10")
        assert (strict.sent, strict.left_pending) == (0, 1) and "CERTIFICATE_VERIFY_FAILED" in strict.errors[
            -1
        ]
        wrong = _send(
            engine, tmp_path, f"smtp+starttls://{USER}:nope@127.0.0.1:{port}?verify=false&timeout=10"
        )
        assert wrong.left_pending == 1 and "user name or password" in wrong.errors[-1]
        good = _send(
            engine, tmp_path, f"smtp+starttls://{CREDENTIALS}@127.0.0.1:{port}?verify=false&timeout=10"
        )
        assert (good.sent, good.ok) == (1, True)
    assert sink.counts() == {"reader@example.org": 1}


def test_smtps_delivers_over_implicit_tls(
    engine: Engine, tmp_path: Path, tls_context: ssl.SSLContext
) -> None:
    _one_subscriber(engine, tmp_path)
    with tls_server(tls_context, implicit=True) as (sink, port):
        report = _send(engine, tmp_path, f"smtps://{CREDENTIALS}@127.0.0.1:{port}?verify=false&timeout=10")
    assert report.sent == 1 and sink.counts() == {"reader@example.org": 1}


def test_smtp_urls_are_parsed_with_defaults_and_decoded_credentials() -> None:
    plain = parse_smtp_url("smtp://relay.example.org")
    assert (plain.scheme, plain.host, plain.port, plain.username, plain.verify) == (
        "smtp",
        "relay.example.org",
        25,
        None,
        True,
    )
    tls = parse_smtp_url(f"smtp+starttls://{CREDENTIALS}@mail.example.org?timeout=5&verify=false")
    assert (tls.port, tls.username, tls.password, tls.timeout, tls.verify) == (
        587,
        USER,
        PASSWORD,
        5.0,
        False,
    )
    assert parse_smtp_url("smtps://mail.example.org").port == 465
    assert "p%40ss" not in tls.redacted() and PASSWORD not in tls.redacted()


@pytest.mark.parametrize(
    "url", ["http://mail.example.org", "smtp://", "smtp://mail.example.org:port", "smtp://h?timeout=soon"]
)
def test_bad_smtp_urls_are_refused_before_anything_is_sent(url: str) -> None:
    with pytest.raises(TransportError):
        parse_smtp_url(url)


def test_a_bad_smtp_url_fails_the_run_before_any_row_is_claimed(engine: Engine, tmp_path: Path) -> None:
    _one_subscriber(engine, tmp_path)
    with pytest.raises(TransportError):
        _send(engine, tmp_path, "smtpx://127.0.0.1:25")
    assert digests.outbox_status(engine) == {"pending": 1, "empty": 1}
