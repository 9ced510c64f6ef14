"""The synthetic corpus generator of benchmarks/corpus.py (the generator only)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import feedparser

from ingest.near_duplicates import THRESHOLD, signature, similarity

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("corpus", ROOT / "benchmarks" / "corpus.py")
corpus = importlib.util.module_from_spec(_spec)
sys.modules["corpus"] = corpus  # dataclasses look their module up by name
_spec.loader.exec_module(corpus)


def test_300_items_make_feeds_that_feedparser_reads_in_full(tmp_path):
    paths = corpus.write_feeds(corpus.articles(300, seed=4), tmp_path, per_file=100)
    assert len(paths) == 3
    entries = []
    for path in paths:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        entries += parsed.entries
    assert len(entries) == 300
    assert len({e.link for e in entries}) == 300
    assert all(len(e.summary) >= 400 for e in entries)  # full text, never fetched
    days = sorted(e.published_parsed[:3] for e in entries)
    assert days[0][:2] == (2025, 1) and days[-1][:2] == (2025, 12)


def test_proportions_are_5_percent_syndicated_and_15_percent_off_topic():
    kinds = Counter(a.kind for a in corpus.articles(300, seed=4))
    assert kinds == {corpus.SYNDICATED: 15, corpus.OFF_TOPIC: 45, corpus.ON_TOPIC: 240}


def test_syndicated_copies_are_near_duplicates_of_an_earlier_item():
    items = list(corpus.articles(300, seed=4))
    copies = [a for a in items if a.kind == corpus.SYNDICATED]
    for copy in copies:
        original = items[copy.copy_of]
        assert original.number < copy.number and original.kind == corpus.ON_TOPIC
        assert copy.text != original.text and copy.link != original.link
        assert similarity(signature(copy.text), signature(original.text)) >= THRESHOLD


def test_distinct_articles_are_not_near_duplicates_of_each_other():
    items = [a for a in corpus.articles(200, seed=4) if a.kind == corpus.ON_TOPIC][:60]
    signatures = [signature(a.text) for a in items]
    closest = max(similarity(a, b) for i, a in enumerate(signatures)
                  for b in signatures[i + 1:])
    assert closest < THRESHOLD


def test_on_topic_items_name_gazetteer_entities_and_off_topic_items_do_not():
    gazetteer = corpus.load_gazetteer()
    named = set(gazetteer.compounds) | set(gazetteer.recruiters) | set(gazetteer.organisations)
    for article in corpus.articles(100, seed=2):
        hits = [name for name in named if name in article.text]
        if article.kind == corpus.OFF_TOPIC:
            assert not any(name in article.text for name in gazetteer.compounds)
        elif article.kind == corpus.ON_TOPIC:
            assert hits or any(p in article.text for p in gazetteer.platforms)


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path):
    first = corpus.write_feeds(corpus.articles(120, seed=9), tmp_path / "a", per_file=50)
    again = corpus.write_feeds(corpus.articles(120, seed=9), tmp_path / "b", per_file=50)
    other = corpus.write_feeds(corpus.articles(120, seed=10), tmp_path / "c", per_file=50)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
