"""Fetching over real HTTP on 127.0.0.1: conditional GET, caps, timeouts, redirects, SSRF guard;
and reading local files inside allowed roots."""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from ingest.errors import FetchError
from ingest.fetch import FetchResult, fetch, read_local, refused_address_reason
from tests.support.builders import build_tls_files, sample_text
from tests.support.sites import serve_http

DOC = sample_text().encode("gb18030")
ETAG = '"v1-efdf6553"'
LAST_MODIFIED = "Fri, 22 Mar 2024 08:00:00 GMT"
LOOPBACK = ["127.0.0.0/8"]


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event  # set when the tests end, so held requests finish

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        route = getattr(self, "_route_" + self.path.strip("/").split("?")[0].replace("-", "_"), None)
        if route is None:
            self._send(404, b"not found")
        else:
            route()

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _route_doc(self) -> None:
        if (
            self.headers.get("If-None-Match") == ETAG
            or self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        self._send(
            200, DOC, ETag=ETAG, Last_Modified=LAST_MODIFIED, Content_Type="text/plain; charset=gb18030"
        )

    def _route_host(self) -> None:
        self._send(200, f"{self.headers.get('Host')}|{self.headers.get('User-Agent')}".encode())

    def _route_slow(self) -> None:
        self.release.wait(30)  # longer than the client's timeout; released at teardown
        self._send(200, b"too late")

    def _route_drip(self) -> None:
        self.send_response(200)
        self.end_headers()
        while not self.release.wait(0.02):  # one byte every 20 ms, forever
            try:
                self.wfile.write(b".")
                self.wfile.flush()
            except OSError:
                return

    def _route_slow_declared(self) -> None:  # 50 MB announced, 1 KB every 20 ms (50 KB/s)
        self.send_response(200)
        self.send_header("Content-Length", str(50 * 2**20))
        self.end_headers()
        while not self.release.wait(0.02):
            try:
                self.wfile.write(bytes(1024))
                self.wfile.flush()
            except OSError:
                return

    def _route_big(self) -> None:  # no Content-Length: the cap must stop the stream itself
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(64):
                self.wfile.write(bytes(64 * 1024))
        except OSError:
            return

    def _route_big_declared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(500 * 2**20))
        self.end_headers()

    def _route_to_doc(self) -> None:
        self._redirect("/doc")

    def _route_to_private(self) -> None:
        self._redirect("http://10.20.30.40/internal")

    def _route_to_metadata(self) -> None:
        self._redirect("http://169.254.169.254/latest/meta-data/")

    def _route_to_file(self) -> None:
        self._redirect("file:///etc/passwd")

    def _route_loop(self) -> None:
        self._redirect("/loop")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    release = threading.Event()
    with serve_http(type("Handler", (_Handler,), {"release": release})) as base:
        try:
            yield base
        finally:
            release.set()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, ssl.SSLContext]]:
    """HTTPS on 127.0.0.1 with a certificate for "localhost" from a throwaway CA."""
    pytest.importorskip("cryptography")
    ca, cert, key = build_tls_files(tmp_path_factory.mktemp("tls"))
    release = threading.Event()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    with serve_http(type("Handler", (_Handler,), {"release": release}), tls=server_context) as base:
        try:
            yield int(base.rsplit(":", 1)[1]), ssl.create_default_context(cafile=str(ca))
        finally:
            release.set()


def test_https_to_a_pinned_address_still_verifies_the_certificate_for_the_name(
    tls_server: tuple[int, ssl.SSLContext],
) -> None:
    port, trust = tls_server
    result = fetch(f"https://localhost:{port}/doc", allow_private=True, verify=trust)
    assert (result.data, result.final_url) == (DOC, f"https://localhost:{port}/doc")


def test_https_certificate_for_another_name_is_refused(tls_server: tuple[int, ssl.SSLContext]) -> None:
    port, trust = tls_server
    with pytest.raises(
        FetchError, match=r"^cannot fetch https://127\.0\.0\.1:\d+/doc: ConnectError: .*certificate"
    ):
        fetch(f"https://127.0.0.1:{port}/doc", allow_private=True, verify=trust)


def test_fetch_returns_bytes_and_validators(server: str) -> None:
    result = fetch(f"{server}/doc", allowed_networks=LOOPBACK)
    assert result == FetchResult(
        status="fetched",
        data=DOC,
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        content_type="text/plain; charset=gb18030",
        final_url=f"{server}/doc",
    )


@pytest.mark.parametrize("validators", [{"etag": ETAG}, {"last_modified": LAST_MODIFIED}])
def test_conditional_get_answers_not_modified(server: str, validators: dict[str, str]) -> None:
    result = fetch(f"{server}/doc", allowed_networks=LOOPBACK, **validators)
    assert (result.status, result.data, result.etag) == ("not_modified", None, ETAG)
    assert result.last_modified == validators.get("last_modified")


def test_stale_validators_fetch_again(server: str) -> None:
    result = fetch(f"{server}/doc", etag='"v0"', allowed_networks=LOOPBACK)
    assert (result.status, result.data) == ("fetched", DOC)


def test_loopback_is_refused_by_default(server: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}/doc")
    assert str(caught.value) == "refusing 127.0.0.1: it resolves to 127.0.0.1 (loopback address)"


def test_allow_private_lifts_the_guard_and_the_host_header_is_kept(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    result = fetch(f"http://localhost:{port}/host", allow_private=True)
    host, agent = (result.data or b"").decode().split("|")
    assert host == f"localhost:{port}"  # connected to the checked address, asked for the name
    assert agent.startswith("regtrack/")


def test_redirect_is_followed_and_reported(server: str) -> None:
    result = fetch(f"{server}/to-doc", allowed_networks=LOOPBACK)
    assert (result.data, result.final_url) == (DOC, f"{server}/doc")


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("to-private", "refusing 10.20.30.40: it resolves to 10.20.30.40 (private address)"),
        ("to-metadata", "refusing 169.254.169.254: it resolves to 169.254.169.254 (link-local address)"),
        ("to-file", "refusing file URL file:///etc/passwd: only http and https"),
    ],
)
def test_every_redirect_hop_is_checked(server: str, route: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}/{route}", allowed_networks=LOOPBACK)
    assert str(caught.value) == message


def test_redirect_loop_stops_after_five_hops(server: str) -> None:
    with pytest.raises(
        FetchError, match=r"^too many redirects \(over 5\) starting from http://127\.0\.0\.1:\d+/loop$"
    ):
        fetch(f"{server}/loop", allowed_networks=LOOPBACK)


def test_slow_server_times_out(server: str) -> None:
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s fetching http://127\.0\.0\.1:\d+/slow$"):
        fetch(f"{server}/slow", timeout=0.5, allowed_networks=LOOPBACK)


def test_dripping_server_hits_the_whole_download_limit(server: str) -> None:
    with pytest.raises(
        FetchError,
        match=r"^timed out: http://127\.0\.0\.1:\d+/drip sent \d+ bytes in 0\.5 s, "
        r"the whole-download limit of 0\.5 s \(10 × REGTRACK_FETCH_TIMEOUT_S\)$",
    ):
        fetch(f"{server}/drip", timeout=5, total_timeout=0.5, allowed_networks=LOOPBACK)


def test_a_download_too_slow_for_its_length_is_told_so_early(server: str) -> None:
    """50 MB at 50 KB/s would take ~17 minutes: said once a tenth of the limit has passed, with
    the rate, the estimate and the limit, instead of after the whole limit without a word."""
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}/slow-declared", timeout=5, total_timeout=30, allowed_networks=LOOPBACK)
    message = str(caught.value)
    assert message.startswith(f"too slow: {server}/slow-declared sends ")
    assert "/s; its 50 MB would take about " in message
    assert message.endswith(" s, over the whole-download limit of 30 s (10 × REGTRACK_FETCH_TIMEOUT_S)")


def test_stream_over_the_cap_is_dropped(server: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}/big", max_bytes=2**20, allowed_networks=LOOPBACK)
    assert str(caught.value) == f"response from {server}/big is over the 1 MB cap (REGTRACK_MAX_INPUT_MB)"


def test_declared_length_over_the_cap_is_refused_before_reading(server: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}/big-declared", max_bytes=2**20, allowed_networks=LOOPBACK)
    assert str(caught.value) == (
        f"response from {server}/big-declared is 500 MB, over the 1 MB cap (REGTRACK_MAX_INPUT_MB)"
    )


def test_http_errors_are_one_line(server: str) -> None:
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found from http://127\.0\.0\.1:\d+/missing$"):
        fetch(f"{server}/missing", allowed_networks=LOOPBACK)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/a.pdf", "refusing ftp URL ftp://example.org/a.pdf: only http and https"),
        ("file:///etc/passwd", "refusing file URL file:///etc/passwd: only http and https"),
        ("http://nonexistent.invalid/", "cannot resolve host nonexistent.invalid"),
        ("http://2130706433/", "refusing 2130706433: it resolves to 127.0.0.1 (loopback address)"),
        (
            "http://[::ffff:127.0.0.1]/",
            "refusing ::ffff:127.0.0.1: it resolves to ::ffff:127.0.0.1 (loopback address)",
        ),
        ("http://0.0.0.0:80/", "refusing 0.0.0.0: it resolves to 0.0.0.0 (unspecified address)"),
    ],
)
def test_refused_urls(url: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert str(caught.value).startswith(message)


def test_closed_port_is_a_connect_error() -> None:
    with pytest.raises(FetchError, match=r"^cannot fetch http://127\.0\.0\.1:9/: ConnectError"):
        fetch("http://127.0.0.1:9/", allow_private=True, timeout=5)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("224.0.0.251", "multicast"),
        ("100.64.0.1", "non-public"),
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("202.108.22.5", None),
    ],
)
def test_refused_address_reason(address: str, reason: str | None) -> None:
    assert refused_address_reason(address) == reason


# --- local files -----------------------------------------------------------------------------


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    inside, outside = tmp_path / "inbox", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (inside / "001.txt").write_bytes(DOC)
    (outside / "secret.txt").write_bytes(b"not for you")
    return inside, outside


def test_read_local_inside_the_roots(roots: tuple[Path, Path]) -> None:
    inside, _ = roots
    assert read_local(inside / "001.txt", allowed_roots=[inside]) == DOC
    assert read_local(str(inside / "001.txt"), allowed_roots=None) == DOC


def test_read_local_refuses_paths_outside_the_roots(roots: tuple[Path, Path]) -> None:
    inside, outside = roots
    with pytest.raises(FetchError, match="it is outside the allowed folders$"):
        read_local(outside / "secret.txt", allowed_roots=[inside])
    with pytest.raises(FetchError, match="it is outside the allowed folders$"):
        read_local(inside / ".." / "elsewhere" / "secret.txt", allowed_roots=[inside])
    with pytest.raises(FetchError, match="it is outside the allowed folders$"):
        read_local(inside / "001.txt", allowed_roots=[])


def test_read_local_resolves_symlinks_before_checking(roots: tuple[Path, Path]) -> None:
    inside, outside = roots
    (inside / "link.txt").symlink_to(outside / "secret.txt")
    (inside / "dir").symlink_to(outside, target_is_directory=True)
    with pytest.raises(FetchError, match="outside the allowed folders"):
        read_local(inside / "link.txt", allowed_roots=[inside])
    with pytest.raises(FetchError, match="outside the allowed folders"):
        read_local(inside / "dir" / "secret.txt", allowed_roots=[inside])
    (outside / "back.txt").symlink_to(inside / "001.txt")
    assert read_local(outside / "back.txt", allowed_roots=[inside]) == DOC


def test_read_local_errors(roots: tuple[Path, Path]) -> None:
    inside, _ = roots
    with pytest.raises(FetchError, match=r"^no such file: .*missing\.txt$"):
        read_local(inside / "missing.txt", allowed_roots=[inside])
    with pytest.raises(FetchError, match="not a regular file$"):
        read_local(inside, allowed_roots=[inside])
    with pytest.raises(FetchError, match="not a regular file$"):
        read_local(os.devnull)
    with pytest.raises(FetchError, match=r"001\.txt is \d+ KB, over the 1 KB cap \(REGTRACK_MAX_INPUT_MB\)$"):
        read_local(inside / "001.txt", allowed_roots=[inside], max_bytes=1024)
