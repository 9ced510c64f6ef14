"""RSS and Atom parsing (feedparser) into plain entries.

feedparser is only ever handed bytes in a stream: given a string it would
fetch URLs or open files itself, bypassing the fetch policy.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import feedparser

from ingest.dates import parse_date
from ingest.errors import SourceError
from ingest.text import html_to_text

# A DOCTYPE with an internal subset: the only place entity declarations (and
# so entity-expansion bombs) can come from. Feeds have no use for one.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE\s[^\[>]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)

# Numeric character references; feedparser's loose parser fails on one that
# names no character (a surrogate, zero, or beyond U+10FFFF).
_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,16}|[0-9]{1,20});")


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    ref = match.group(1)
    value = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
    if value == 0 or 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group(0)


# An entry whose text is shorter than this is taken to carry only a summary.
SUMMARY_CHARS = 400


@dataclass(frozen=True)
class FeedEntry:
    """One entry, markup already stripped from ``title`` and ``text``."""

    link: str
    guid: str
    title: str
    text: str
    published: str | None

    @property
    def is_summary_only(self) -> bool:
        return len(self.text) < SUMMARY_CHARS


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[FeedEntry, ...]


_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)


def looks_like_feed(data: bytes) -> bool:
    """Cheap sniff of the first bytes for an RSS, RDF or Atom root element."""
    return _FEED_ROOT.search(data[:4096]) is not None


def parse_feed(data: bytes, location: str, base_url: str | None = None) -> ParsedFeed:
    """Parse feed bytes; relative links resolve against ``base_url``.
    Raises SourceError naming ``location`` when the bytes are not a feed (a
    malformed feed that still yields entries is accepted, as feedparser is
    lenient by design)."""
    headers = {"content-location": base_url} if base_url else {}
    cleaned = _CHAR_REF.sub(_valid_char_ref, _INTERNAL_SUBSET.sub(b"", data, count=1))
    try:
        parsed = feedparser.parse(
            io.BytesIO(cleaned),
            response_headers=headers,
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:  # feedparser's loose parser raises varied errors on hostile bytes
        raise SourceError(
            f"{location}: not a readable RSS or Atom feed: {type(exc).__name__}: {exc}"
        ) from exc
    version = parsed.get("version") or ""
    if not parsed.entries and (parsed.get("bozo") or not version):
        cause = parsed.get("bozo_exception") or "no RSS or Atom content"
        raise SourceError(f"{location}: not a readable RSS or Atom feed: {cause}")
    entries = tuple(_entry(raw) for raw in parsed.entries)
    feed_title = html_to_text(parsed.feed.get("title", "") or "")
    return ParsedFeed(title=feed_title, entries=entries)


def _entry(raw: feedparser.FeedParserDict) -> FeedEntry:
    bodies = [part.get("value", "") for part in raw.get("content", []) if part.get("value")]
    summary = raw.get("summary", "") or ""
    body_text = html_to_text(max(bodies, key=len)) if bodies else ""
    summary_text = html_to_text(summary)
    text = body_text if len(body_text) >= len(summary_text) else summary_text
    published = None
    for key in ("published", "updated", "created"):
        published = parse_date(raw.get(key))
        if published is None:
            published = parse_date(raw.get(f"{key}_parsed"))
        if published:
            break
    return FeedEntry(
        link=(raw.get("link") or "").strip(),
        guid=(raw.get("id") or "").strip(),
        title=html_to_text(raw.get("title", "") or ""),
        text=text,
        published=published,
    )
