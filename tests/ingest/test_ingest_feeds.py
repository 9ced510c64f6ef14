"""parse_feed on hostile and odd feed bytes."""

from __future__ import annotations

import time

import pytest

from ingest.errors import SourceError
from ingest.feeds import looks_like_feed, parse_feed

ITEM = (
    "<item><title>{title}</title><link>https://a.example/1</link>"
    "<description>Police raided a compound.</description></item>"
)


def feed_with_doctype(doctype: str, title: str) -> bytes:
    channel = f"<channel><title>Wire</title>{ITEM.format(title=title)}</channel>"
    return f'<?xml version="1.0"?>{doctype}<rss version="2.0">{channel}</rss>'.encode()


def test_entity_expansion_bomb_is_not_expanded():
    declarations = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{level} "{("&lol" + ("" if level == 1 else str(level - 1)) + ";") * 10}">'
        for level in range(1, 10)
    )
    data = feed_with_doctype(f"<!DOCTYPE rss [{declarations}]>", "&lol9;")

    started = time.monotonic()
    feed = parse_feed(data, "bomb.xml")

    assert time.monotonic() - started < 1.0
    assert len(feed.entries) == 1
    assert "lollol" not in feed.entries[0].title


def test_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    data = feed_with_doctype(f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "&x;")

    feed = parse_feed(data, "xxe.xml")

    assert "TOP-SECRET-VALUE" not in feed.entries[0].title


def test_feed_with_no_entries_and_no_version_is_an_error():
    with pytest.raises(SourceError, match="page.html: not a readable RSS or Atom feed"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", "page.html")


def test_empty_but_valid_feed_has_no_entries():
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'

    feed = parse_feed(data, "quiet.xml")

    assert feed.title == "Quiet" and feed.entries == ()


def test_relative_links_resolve_against_the_feed_url():
    data = feed_with_doctype("", "Item").replace(b"https://a.example/1", b"/news/1")

    feed = parse_feed(data, "wire", base_url="https://wire.example/feeds/rss.xml")

    assert feed.entries[0].link == "https://wire.example/news/1"


@pytest.mark.parametrize(
    ("head", "is_feed"),
    [
        (b'<?xml version="1.0"?><rss version="2.0">', True),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', True),
        (b"<rdf:RDF xmlns:rdf='x'>", True),
        (b"<!doctype html><html><body><feedback-form>", False),
        (b"<html><p>Subscribe to our rss feed</p>", False),
    ],
)
def test_looks_like_feed_sniffs_the_root_element(head, is_feed):
    assert looks_like_feed(head) is is_feed
