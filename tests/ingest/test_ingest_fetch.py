"""fetch_url against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from ingest.errors import SourceError, SourceRefused
from ingest.fetch import FetchPolicy, fetch_url


def test_fetch_returns_body_and_validators(feed_server):
    url = feed_server.serve("/feed.xml", "<rss version='2.0'></rss>")

    result = fetch_url(url, feed_server.policy())

    assert result.content == b"<rss version='2.0'></rss>"
    assert result.status_code == 200
    assert result.etag and result.last_modified
    assert not result.not_modified


def test_conditional_request_gets_not_modified(feed_server):
    url = feed_server.serve("/feed.xml", "<rss version='2.0'></rss>")
    first = fetch_url(url, feed_server.policy())

    second = fetch_url(url, feed_server.policy(), etag=first.etag)

    assert second.not_modified
    assert second.content == b""
    assert feed_server.requests_for("/feed.xml")[1].headers["If-None-Match"] == first.etag


def test_if_modified_since_is_sent_and_honoured(feed_server):
    url = feed_server.serve("/feed.xml", "<rss version='2.0'></rss>")

    result = fetch_url(url, feed_server.policy(), last_modified=feed_server.last_modified)

    assert result.not_modified
    seen = feed_server.requests_for("/feed.xml")[0]
    assert seen.headers["If-Modified-Since"] == feed_server.last_modified


def test_user_agent_comes_from_the_policy(feed_server):
    url = feed_server.serve("/feed.xml", "x")

    fetch_url(url, feed_server.policy(user_agent="scamtrace-test/1"))

    assert feed_server.requests[0].headers["User-Agent"] == "scamtrace-test/1"


def test_loopback_host_not_on_allowlist_is_refused(feed_server):
    url = feed_server.serve("/feed.xml", "x")

    with pytest.raises(SourceRefused, match="non-public address"):
        fetch_url(url, FetchPolicy(timeout_s=5))
    assert feed_server.requests == []


def test_allowlist_entry_names_the_port(feed_server):
    url = feed_server.serve("/feed.xml", "x")
    other_port = feed_server.port + 1 if feed_server.port < 65535 else feed_server.port - 1

    with pytest.raises(SourceRefused):
        fetch_url(url, FetchPolicy(allowed_hosts=(f"127.0.0.1:{other_port}",)))


@pytest.mark.parametrize("target_host", ["127.0.0.2", "[::1]"])
def test_redirect_to_other_loopback_address_is_refused(feed_server, target_host):
    url = feed_server.redirect("/feed.xml", f"http://{target_host}:{feed_server.port}/feed.xml")

    with pytest.raises(SourceRefused) as refused:
        fetch_url(url, feed_server.policy())

    message = str(refused.value)
    assert url in message and "redirected to" in message and "non-public" in message
    assert len(feed_server.requests) == 1


def test_redirect_within_allowed_host_is_followed(feed_server):
    feed_server.serve("/new.xml", "moved content")
    url = feed_server.redirect("/old.xml", "/new.xml", status=301)

    result = fetch_url(url, feed_server.policy())

    assert result.content == b"moved content"
    assert result.final_url == feed_server.url("/new.xml")


def test_too_many_redirects_are_refused(feed_server):
    for hop in range(4):
        feed_server.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    feed_server.serve("/hop4", "end")

    with pytest.raises(SourceRefused, match="more than 2 redirects"):
        fetch_url(feed_server.url("/hop0"), feed_server.policy(max_redirects=2))
    assert len(feed_server.requests) == 3


def test_redirect_to_file_scheme_is_refused(feed_server):
    url = feed_server.redirect("/feed.xml", "file:///etc/passwd")

    with pytest.raises(SourceRefused, match="scheme 'file'"):
        fetch_url(url, feed_server.policy())


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed.xml", "file:///etc/passwd", "gopher://x/", "feed.xml"]
)
def test_non_http_scheme_is_refused(url):
    with pytest.raises(SourceRefused, match="not http or https"):
        fetch_url(url, FetchPolicy())


def test_body_over_size_cap_is_refused(feed_server):
    url = feed_server.serve("/big.xml", b"x" * 5000)

    with pytest.raises(SourceRefused, match="cap of 1000"):
        fetch_url(url, feed_server.policy(max_bytes=1000))


def test_size_cap_holds_without_content_length(feed_server):
    url = feed_server.serve("/big.xml", b"x" * 200_000, send_length=False)

    with pytest.raises(SourceRefused, match="exceeds the cap of 100000"):
        fetch_url(url, feed_server.policy(max_bytes=100_000))


def test_server_that_trickles_bytes_is_cut_off(feed_server):
    url = feed_server.serve("/slow.xml", b"x" * 200, trickle_s=0.05)

    started = time.monotonic()
    with pytest.raises(SourceError, match="gave up after 1 s"):
        fetch_url(url, feed_server.policy(timeout_s=1.0))
    assert time.monotonic() - started < 3.0


def test_unreachable_port_raises_source_error_naming_url(closed_port):
    url = f"http://127.0.0.1:{closed_port}/feed.xml"

    with pytest.raises(SourceError, match="cannot connect") as failed:
        fetch_url(url, FetchPolicy(allowed_hosts=(f"127.0.0.1:{closed_port}",), timeout_s=5))
    assert not isinstance(failed.value, SourceRefused)
    assert url in str(failed.value)


def test_http_error_status_is_a_source_error(feed_server):
    url = feed_server.url("/missing.xml")

    with pytest.raises(SourceError, match="HTTP 404"):
        fetch_url(url, feed_server.policy())


def test_credentials_in_url_are_refused(feed_server):
    url = f"http://user:secret@127.0.0.1:{feed_server.port}/feed.xml"

    with pytest.raises(SourceRefused, match="credentials"):
        fetch_url(url, feed_server.policy())
