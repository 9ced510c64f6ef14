"""A real HTTP server on 127.0.0.1 for the ingest tests.

It serves byte strings registered per path, answers conditional requests
(ETag / Last-Modified -> 304), follows scripted redirects and slow or
oversized bodies, and records every request it receives.
"""

from __future__ import annotations

import hashlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.fetch import FetchPolicy
from ingest.store import DocumentStore

# Test modules import the body builders beside this file; tests/ is not a
# package, so put this folder on the path whatever --import-mode is used.
sys.path.insert(0, str(Path(__file__).parent))


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    location: str | None = None  # for redirects
    trickle_s: float = 0.0  # pause between bytes: a server that sends too slowly
    send_length: bool = True
    validators: bool = True  # send ETag and Last-Modified


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    host: str = "127.0.0.1"
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[SeenRequest] = field(default_factory=list)
    # A fixed date, so Last-Modified stays the same between runs.
    last_modified: str = formatdate(1_760_000_000, usegmt=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def allowed(self) -> str:
        return f"{self.host}:{self.port}"

    def policy(self, **overrides: object) -> FetchPolicy:
        """A fetch policy that lets the fetcher reach this server (and only it)."""
        settings: dict[str, object] = {"allowed_hosts": (self.allowed,), "timeout_s": 5.0}
        settings.update(overrides)
        return FetchPolicy(**settings)  # type: ignore[arg-type]

    def serve(self, path: str, body: bytes | str, **options: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, location=location)
        return self.url(path)

    def requests_for(self, path: str) -> list[SeenRequest]:
        return [seen for seen in self.requests if seen.path == path]


def _handler_for(server_state: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep test output quiet

        def do_GET(self) -> None:  # noqa: N802
            server_state.requests.append(SeenRequest(self.path, dict(self.headers.items())))
            route = server_state.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.location is not None:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            if route.validators and (
                self.headers.get("If-None-Match") == etag
                or self.headers.get("If-Modified-Since") == server_state.last_modified
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.validators:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", server_state.last_modified)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                if route.trickle_s:
                    for index in range(len(route.body)):
                        self.wfile.write(route.body[index : index + 1])
                        self.wfile.flush()
                        time.sleep(route.trickle_s)
                else:
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

    return Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DocumentStore]:
    with DocumentStore(tmp_path / "documents.sqlite") as opened:
        yield opened
