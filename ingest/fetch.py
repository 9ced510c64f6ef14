"""Fetching one URL over HTTP(S) under a policy.

Every network read in ingest goes through :func:`fetch_url`, so the rules
live in one place: only http/https, a total time budget and a per-read
timeout, a size cap enforced while streaming, redirects followed by hand with
each hop checked, and an address guard that refuses loopback, private,
link-local, reserved and multicast addresses unless the host is allowed.

The guard resolves the host once and then connects to the address it checked
(the URL is rewritten to the IP, with the original Host header and TLS server
name), so a DNS answer that changes between check and connect cannot slip
through.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.errors import SourceError, SourceRefused

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do. ``allowed_hosts`` lists hosts (or ``host:port``)
    that may resolve to non-public addresses; ``allowed_paths``, when not
    empty, are the only folders local sources may be read from."""

    timeout_s: float = 20.0
    max_bytes: int = 15_000_000
    max_redirects: int = 5
    allowed_hosts: tuple[str, ...] = ()
    allowed_paths: tuple[Path, ...] = ()
    max_pdf_pages: int = 300
    user_agent: str = "scamtrace/0.1 (+https://github.com/scamtrace)"


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch. ``content`` is empty when ``not_modified``."""

    url: str
    final_url: str
    status_code: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def fetch_url(
    url: str,
    policy: FetchPolicy,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch ``url`` under ``policy``; conditional when ``etag`` or
    ``last_modified`` is given (a 304 gives ``not_modified=True``).

    Raises SourceRefused when the policy forbids the URL, a redirect hop or
    the size, and SourceError for any other failure.
    """
    deadline = time.monotonic() + policy.timeout_s
    conditional: dict[str, str] = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified

    current = url
    # httpx parses a redirect's Location itself, even when not following it,
    # and raises InvalidURL for one like "javascript:..."; keep the raw value
    # so the refusal can name it.
    locations: list[str] = []

    def keep_location(response: httpx.Response) -> None:
        locations.append(response.headers.get("Location", ""))

    with httpx.Client(
        follow_redirects=False, trust_env=False, event_hooks={"response": [keep_location]}
    ) as client:
        for _hop in range(policy.max_redirects + 1):
            target = _check_target(current, policy, origin=url)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SourceError(f"{url}: gave up after {policy.timeout_s:g} s (time budget)")
            request = client.build_request(
                "GET",
                target.connect_url,
                headers={
                    "Host": target.host_header,
                    "User-Agent": policy.user_agent,
                    "Accept-Encoding": "gzip, deflate",
                    **conditional,
                },
                timeout=httpx.Timeout(remaining),
                extensions={"sni_hostname": target.hostname} if target.is_https else {},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise SourceError(f"{url}: timed out connecting to {current}") from exc
            except httpx.InvalidURL as exc:
                location = locations[-1] if locations else ""
                scheme = urlsplit(location).scheme.lower() if location else ""
                if location and scheme not in ("http", "https"):
                    raise SourceRefused(
                        f"{url} (redirected to {location[:200]}): scheme "
                        f"{scheme or '(none)'!r} is not http or https"
                    ) from exc
                raise SourceRefused(
                    f"{url}: redirect to a malformed URL {location[:200]!r}: {exc}"
                ) from exc
            except httpx.HTTPError as exc:
                raise SourceError(f"{url}: cannot connect to {current}: {exc}") from exc
            try:
                if response.status_code in _REDIRECT_CODES:
                    location = response.headers.get("Location")
                    if not location:
                        raise SourceError(
                            f"{url}: redirect {response.status_code} without a Location"
                        )
                    current = urljoin(current, location)
                    continue
                if response.status_code == 304:
                    return FetchResult(
                        url=url,
                        final_url=current,
                        status_code=304,
                        content=b"",
                        content_type=response.headers.get("Content-Type", ""),
                        etag=response.headers.get("ETag") or etag,
                        last_modified=response.headers.get("Last-Modified") or last_modified,
                        not_modified=True,
                    )
                if response.status_code >= 400:
                    raise SourceError(f"{url}: server answered HTTP {response.status_code}")
                content = _read_capped(response, url, policy, deadline)
                return FetchResult(
                    url=url,
                    final_url=current,
                    status_code=response.status_code,
                    content=content,
                    content_type=response.headers.get("Content-Type", ""),
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                )
            finally:
                response.close()
    raise SourceRefused(f"{url}: more than {policy.max_redirects} redirects")


def _read_capped(response: httpx.Response, url: str, policy: FetchPolicy, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise SourceRefused(
            f"{url}: declares {int(declared)} bytes, more than the cap of {policy.max_bytes}"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        # iter_bytes yields decoded bytes, so the cap also bounds gzip bombs.
        # No chunk size: each read is checked as it arrives, so a trickle
        # cannot hide behind a buffer that never fills.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise SourceRefused(f"{url}: body exceeds the cap of {policy.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise SourceError(
                    f"{url}: gave up after {policy.timeout_s:g} s (server sends too slowly)"
                )
            chunks.append(chunk)
    except httpx.TimeoutException as exc:
        raise SourceError(f"{url}: timed out while reading the body") from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: failed while reading the body: {exc}") from exc
    return b"".join(chunks)


@dataclass(frozen=True)
class _Target:
    connect_url: str  # the URL with the host replaced by the checked address
    host_header: str
    hostname: str
    is_https: bool


def _check_target(url: str, policy: FetchPolicy, origin: str) -> _Target:
    """Check scheme and address of one hop; return where to connect."""
    where = url if url == origin else f"{origin} (redirected to {url})"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SourceRefused(f"{where}: malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceRefused(f"{where}: scheme {scheme or '(none)'!r} is not http or https")
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname:
        raise SourceRefused(f"{where}: URL has no host")
    if parts.username or parts.password:
        raise SourceRefused(f"{where}: URLs with credentials are not fetched")
    port = port or (443 if scheme == "https" else 80)
    address = _resolve(hostname, port, where)
    if not _is_public(address) and not _host_allowed(hostname, port, policy.allowed_hosts):
        raise SourceRefused(
            f"{where}: host {hostname} resolves to {address}, a non-public address "
            f"(add '{_host_port(hostname, port)}' to allowed_hosts to permit it)"
        )
    literal = f"[{address}]" if ":" in address else address
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default_port = 443 if scheme == "https" else 80
    host_header = hostname if ":" not in hostname else f"[{hostname}]"
    if port != default_port:
        host_header = f"{host_header}:{port}"
    return _Target(
        connect_url=f"{scheme}://{literal}:{port}{path}",
        host_header=host_header,
        hostname=hostname,
        is_https=scheme == "https",
    )


def _resolve(hostname: str, port: int, where: str) -> str:
    """Resolve to one address; refuse if any answer is non-public, so a
    mixed answer cannot be used to reach an internal address."""
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise SourceError(f"{where}: cannot resolve host {hostname}: {exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise SourceError(f"{where}: host {hostname} has no address")
    for address in addresses:
        if not _is_public(address):
            return address
    return addresses[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def _host_port(hostname: str, port: int) -> str:
    return f"[{hostname}]:{port}" if ":" in hostname else f"{hostname}:{port}"


def _host_allowed(hostname: str, port: int, allowed_hosts: tuple[str, ...]) -> bool:
    host = hostname.lower()
    candidates = {host, f"{host}:{port}", f"[{host}]:{port}", f"[{host}]"}
    return any(entry.strip().lower() in candidates for entry in allowed_hosts)
