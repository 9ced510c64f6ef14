"""Record types produced by ingest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """One article, report or page, as stored in the document store.

    ``id`` is derived from the canonical URL (or, for a local file, its
    resolved path), so the same item fetched twice has the same id.
    ``published`` is an ISO date ``YYYY-MM-DD``; when a source gives no date
    the fetch date is used. ``duplicate_of`` is the id of the first copy when
    this document is a near-duplicate (syndicated copy with small edits);
    such documents are stored but not extracted again.
    """

    id: str
    url: str
    title: str
    published: str
    source: str
    text: str
    language: str
    content_hash: str
    feed: str = ""
    duplicate_of: str | None = None
