"""The bundled sample feeds ingest to what ingest/sample_feeds/expected.json says."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from ingest.fetch import FetchPolicy
from ingest.run import ingest_sources
from ingest.samples import sample_sources
from ingest.sources import Source
from ingest.urls import document_id

EXPECTED_FILE = files("ingest") / "sample_feeds" / "expected.json"


@pytest.fixture
def expected() -> dict:
    if not sample_sources() or not EXPECTED_FILE.is_file():
        pytest.skip("ingest/sample_feeds/ has no feeds or expected.json yet")
    return json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))


def test_sample_sources_name_each_bundled_feed(expected):
    names = {source.name for source in sample_sources()}

    assert names == set(expected["items_by_feed"])


def test_sample_feeds_store_the_expected_items(expected, store):
    report = ingest_sources(sample_sources(), store, FetchPolicy())

    counts = store.counts()
    per_feed = {row["name"]: row["documents"] for row in store.feed_status()}
    dates = sorted(doc.published for _, doc in store.iter_documents())
    assert report.errors == []
    assert counts["total"] == expected["items"]
    assert per_feed == expected["items_by_feed"]
    assert [dates[0], dates[-1]] == expected["date_range"]
    assert counts["non_english"] == 0


def test_sample_near_duplicates_link_to_their_originals(expected, store):
    ingest_sources(sample_sources(), store, FetchPolicy())

    pairs = expected["near_duplicate_pairs"]
    for original, copy in pairs:
        assert store.get(document_id(copy)).duplicate_of == document_id(original)
        assert store.get(document_id(original)).duplicate_of is None
    assert store.counts()["near_duplicates"] == len(pairs)


def test_sample_feeds_served_over_http_ingest_the_same(expected, feed_server, store):
    sources = [
        Source(
            source.name,
            feed_server.serve(f"/{source.name}.xml", Path(source.location).read_bytes()),
        )
        for source in sample_sources()
    ]

    ingest_sources(sources, store, feed_server.policy())
    again = ingest_sources(sources, store, feed_server.policy())

    assert store.counts()["total"] == expected["items"]
    assert {report.status for report in again.sources} == {"not_modified"}
    assert len(feed_server.requests) == 2 * len(sources)
