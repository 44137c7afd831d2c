"""Get the bytes of a source: an http(s) URL with a conditional GET, or a local file.

This is the one module of ``ingest`` that does I/O. It guards against server-side request
forgery: every hop (the URL and each redirect) is resolved, refused when any address is
private, loopback, link-local, multicast or reserved, and the connection is made to the
address that was checked (pinned, with Host and TLS SNI kept), so a second DNS answer cannot
point it elsewhere. Bodies are streamed and dropped once over the size cap.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

from ingest.errors import FetchError
from ingest.limits import MAX_INPUT_BYTES, human_size, over_cap_message

DEFAULT_TIMEOUT = 30.0  # seconds for connecting and for each read
MAX_REDIRECTS = 5
USER_AGENT = "regtrack/0.1 (follows changes of published health regulations)"
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchResult:
    status: str  # "fetched" | "not_modified"
    data: bytes | None  # None when not modified
    etag: str | None
    last_modified: str | None
    content_type: str | None
    final_url: str  # after redirects


@dataclass(frozen=True)
class _AddressPolicy:
    allow_private: bool
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    def refusal(self, address: str) -> str | None:
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address.split("%")[0])
        if any(ip in network for network in self.allowed_networks):
            return None
        return refused_address_reason(address)


@dataclass(frozen=True)
class _Deadline:
    """The whole-download limit: ``limit`` seconds for every hop and byte of one fetch."""

    limit: float
    ends: float

    @classmethod
    def starting_now(cls, limit: float) -> _Deadline:
        return cls(limit, time.monotonic() + limit)

    def check(self, url: str, received: int, declared: int | None, started: float) -> None:
        """Give up when the limit has passed, or early, once a tenth of it has gone by, when the
        rate so far would take the declared length far past it: a slow 50 MB download is told at
        once what it would take, not abandoned after minutes without a word."""
        now = time.monotonic()
        limit = f"the whole-download limit of {self.limit:g} s (10 × REGTRACK_FETCH_TIMEOUT_S)"
        if now > self.ends:
            raise FetchError(f"timed out: {url} sent {human_size(received)} in {self.limit:g} s, {limit}")
        elapsed = now - started
        if not (declared and received and elapsed > self.limit / 10):
            return
        needed = elapsed * declared / received  # at the rate so far
        if needed > self.limit * _TOO_SLOW:
            rate = human_size(int(received / elapsed))
            raise FetchError(
                f"too slow: {url} sends {rate}/s; its {human_size(declared)} would take about {needed:.0f} s, "
                f"over {limit}"
            )


_TOO_SLOW = 1.5  # a projected time this many times the limit gives up early


@dataclass(frozen=True)
class _Target:
    url: httpx.URL  # the URL with its host replaced by the checked address
    host_header: str
    sni_hostname: str | None


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_INPUT_BYTES,
    allow_private: bool = False,
    allowed_networks: Sequence[str] = (),
    total_timeout: float | None = None,
    verify: ssl.SSLContext | bool = True,
) -> FetchResult:
    """GET ``url``; "not_modified" when the server answers 304 to the validators given.

    ``allow_private`` lifts the address checks; ``allowed_networks`` (CIDRs, e.g. an intranet
    mirror) lifts them for those networks only. ``timeout`` bounds connecting and each read;
    ``total_timeout`` (default 10 × timeout) bounds the whole download, so a server dripping
    bytes cannot hold it forever. ``verify`` is httpx's: an SSLContext trusts a private CA.
    """
    policy = _AddressPolicy(allow_private, tuple(ipaddress.ip_network(n) for n in allowed_networks))
    deadline = _Deadline.starting_now(total_timeout if total_timeout is not None else timeout * 10)
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # trust_env off: a proxy from the environment would bypass the address checks.
    with httpx.Client(
        timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False, verify=verify
    ) as client:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            target = _checked_target(current, policy)
            outcome = _get(client, target, headers, current, max_bytes, deadline, timeout)
            if isinstance(outcome, FetchResult):
                return outcome
            current = outcome
    raise FetchError(f"too many redirects (over {MAX_REDIRECTS}) starting from {url}")


def _checked_target(url: str, policy: _AddressPolicy) -> _Target:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise FetchError(f"invalid URL {url!r}: {error}") from error
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"refusing {parsed.scheme or 'schemeless'} URL {url}: only http and https")
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded, as DNS and the Host header want it
    if not host:
        raise FetchError(f"URL has no host: {url}")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    address = _checked_address(host, port, policy)
    netloc = host if parsed.port is None else f"{host}:{parsed.port}"
    if ":" in host and parsed.port is None:
        netloc = f"[{host}]"
    elif ":" in host:
        netloc = f"[{host}]:{parsed.port}"
    return _Target(
        url=parsed.copy_with(host=address),
        host_header=netloc,
        sni_hostname=host if parsed.scheme == "https" else None,
    )


def _checked_address(host: str, port: int, policy: _AddressPolicy) -> str:
    """The address to connect to; every address the host resolves to must pass the policy."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve host {host}: {_one_line(error)}") from error
    # IPv4 first: many government sites publish AAAA records that do not answer.
    addresses = sorted({str(info[4][0]) for info in infos}, key=lambda a: (":" in a, a))
    for address in addresses:
        reason = policy.refusal(address)
        if reason:
            raise FetchError(f"refusing {host}: it resolves to {address} ({reason} address)")
    return addresses[0]


def refused_address_reason(address: str) -> str | None:
    """Why an address must not be fetched from (None when it is a public one)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),  # before private: 169.254/16 (cloud metadata) is both
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    ):
        if flag:
            return reason
    return None


def _get(
    client: httpx.Client,
    target: _Target,
    headers: dict[str, str],
    url: str,
    max_bytes: int,
    deadline: _Deadline,
    timeout: float,
) -> FetchResult | str:
    """One request: a FetchResult, or the absolute URL a redirect points to."""
    request = client.build_request(
        "GET",
        target.url,
        headers={**headers, "Host": target.host_header},
        extensions={"sni_hostname": target.sni_hostname} if target.sni_hostname else {},
    )
    try:
        response = client.send(request, stream=True)
        try:
            return _read(response, url, max_bytes, deadline, timeout, headers)
        finally:
            response.close()
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out after {timeout:g} s fetching {url}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"cannot fetch {url}: {_one_line(error)}") from error


def _read(
    response: httpx.Response,
    url: str,
    max_bytes: int,
    deadline: _Deadline,
    timeout: float,
    sent: dict[str, str],
) -> FetchResult | str:
    status = response.status_code
    if status in _REDIRECTS:
        location = response.headers.get("Location")
        if not location:
            raise FetchError(f"HTTP {status} redirect without a Location from {url}")
        return urljoin(url, location)
    etag = response.headers.get("ETag") or sent.get("If-None-Match")
    last_modified = response.headers.get("Last-Modified") or sent.get("If-Modified-Since")
    content_type = response.headers.get("Content-Type")
    if status == 304:
        return FetchResult("not_modified", None, etag, last_modified, content_type, url)
    if not 200 <= status < 300:
        raise FetchError(f"HTTP {status} {response.reason_phrase} from {url}")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(over_cap_message(f"response from {url}", int(declared), max_bytes))
    body = bytearray()
    started = time.monotonic()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(over_cap_message(f"response from {url}", None, max_bytes))
        deadline.check(url, len(body), int(declared) if declared.isdigit() else None, started)
    return FetchResult(
        "fetched",
        bytes(body),
        response.headers.get("ETag"),
        response.headers.get("Last-Modified"),
        content_type,
        url,
    )


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def read_local(
    path: str | Path,
    *,
    allowed_roots: list[Path] | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> bytes:
    """Read a local file; with ``allowed_roots``, refuse any path (symlinks resolved) outside them."""
    try:
        resolved = Path(path).resolve(strict=True)
    except FileNotFoundError as error:
        raise FetchError(f"no such file: {path}") from error
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
        raise FetchError(f"cannot read {path}: {_one_line(error)}") from error
    if allowed_roots is not None and not any(
        resolved.is_relative_to(Path(root).resolve()) for root in allowed_roots
    ):
        raise FetchError(f"refusing {path}: it is outside the allowed folders")
    if not resolved.is_file():
        raise FetchError(f"refusing {path}: not a regular file")
    try:
        # O_NOFOLLOW: the last component cannot be swapped for a symlink after the check.
        descriptor = os.open(resolved, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise FetchError(over_cap_message(str(path), size, max_bytes))
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise FetchError(f"cannot read {path}: {_one_line(error)}") from error
    if len(data) > max_bytes:
        raise FetchError(f"{path} grew over the {human_size(max_bytes)} cap while being read")
    return data
