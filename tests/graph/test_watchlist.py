"""Watchlists over real stores: a copy of the sample data directory, and
documents and extractions added to it the way ingest and extract add them."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.embedded import EmbeddedGraphStore
from graph.watchlist import (
    ATOM_FILE,
    ENTITY,
    SNIPPET,
    TERM,
    WATCHLIST_FILE,
    Alert,
    Watchlist,
    atom_feed,
    record_new_matches,
    term_evidence,
)
from ingest.errors import ConfigError
from ingest.records import Document
from ingest.store import DocumentStore
from nlp.records import Extraction, Mention
from nlp.store import ExtractionStore


@pytest.fixture
def home(sample_home, tmp_path) -> Path:
    copy = tmp_path / "home"
    copy.mkdir()
    for path in sample_home.glob("*.sqlite*"):
        shutil.copy(path, copy / path.name)
    return copy


@pytest.fixture
def stores(home):
    with DocumentStore(home / "documents.sqlite") as documents, \
            ExtractionStore(home / "extractions.sqlite") as extractions:
        graph = EmbeddedGraphStore(home / "graph.sqlite")
        yield documents, extractions, graph
        graph.close()


def watch(home: Path, kind: str, value: str, start_seq: int = 0, relevant_only: bool = False):
    with Watchlist(home / WATCHLIST_FILE) as store:
        return store.add(kind, value, start_seq=start_seq, relevant_only=relevant_only)


def alerts(home: Path, since: str | None = None):
    with Watchlist(home / WATCHLIST_FILE) as store:
        return store.alerts(since=since)


def record(home: Path, stores, up_to_seq: int | None = None):
    documents, extractions, graph = stores
    return record_new_matches(home, extractions, documents, up_to_seq=up_to_seq)


def add_document(stores, doc_id: str, title: str, sentences: list[str], relevant: bool,
                 mentions: tuple[Mention, ...] = ()) -> Extraction:
    """Store a document and its extraction as ingest and extract would."""
    documents, extractions, _ = stores
    text = " ".join(sentences)
    documents.add(Document(
        id=doc_id, url=f"https://news.example/{doc_id}", title=title, published="2026-11-22",
        source="Test wire", text=text, language="en",
        content_hash=hashlib.sha1(text.encode()).hexdigest()))
    extraction = Extraction(doc_id=doc_id, language="en", relevant=relevant,
                            relevance=0.9 if relevant else 0.1, mentions=mentions,
                            sentences=tuple(sentences))
    extractions.save([extraction], documents.max_seq())
    return extraction


def kk_park_mention(sentence: int = 0) -> Mention:
    return Mention(label="LOCATION", name="KK Park", text="KK Park", sentence=sentence,
                   start=0, end=7)


def test_entity_watch_alerts_exactly_the_documents_the_graph_lists_for_it(home, stores):
    _, extractions, graph = stores
    entity = graph.top_entities("RECRUITER", limit=1)[0]
    watch(home, ENTITY, entity.key)
    report = record(home, stores, up_to_seq=graph.high_water_mark())
    found = alerts(home)
    expected = {d.id for d in graph.documents(entity=entity.key, limit=10_000)}
    assert {a.doc_id for a in found} == expected
    assert report.alerts == len(expected) == entity.documents
    for alert in found:
        sentences = extractions.get(alert.doc_id).sentences
        assert alert.evidence and all(s in sentences for s in alert.evidence)


def test_term_watch_matches_every_document_naming_it_in_title_or_text(home, stores):
    documents, extractions, graph = stores
    watch(home, TERM, "huione")
    record(home, stores)
    extracted = {x.doc_id for _, x in extractions.iter_extractions()}
    expected = {d.id for _, d in documents.iter_documents() if d.id in extracted
                and "huione" in f"{d.title} {d.text}".casefold()}
    found = alerts(home)
    assert expected and {a.doc_id for a in found} == expected
    assert all(any("huione" in s.casefold() for s in a.evidence) for a in found)


def test_term_matches_whole_words_whatever_the_case_and_spacing():
    sentences = ("Recruiters used Pig\n Butchering scripts.", "Scammers lured them.")
    document = Document(id="x", url="", title="Scamming rings", published="2026-01-01",
                        source="", text=" ".join(sentences), language="en", content_hash="h")
    extraction = Extraction(doc_id="x", language="en", relevant=True, relevance=1.0,
                            sentences=sentences)
    assert term_evidence(extraction, document, "pig butchering") == (sentences[0],)
    assert term_evidence(extraction, document, "scam") is None
    assert term_evidence(extraction, document, "scamming") == ("Scamming rings",)


def test_term_in_a_document_without_sentences_gives_a_snippet_of_its_text():
    text = "Lorem " * 40 + "Huione Pay" + " ipsum" * 40
    document = Document(id="x", url="", title="Untitled", published="2026-01-01", source="",
                        text=text, language="km", content_hash="h")
    extraction = Extraction(doc_id="x", language="km", relevant=False, relevance=0.0)
    (snippet,) = term_evidence(extraction, document, "huione")
    assert "Huione Pay" in snippet and len(snippet) <= 2 * SNIPPET + len("Huione")


def test_matches_are_recorded_once_however_often_matching_runs(home, stores):
    watch(home, TERM, "KK Park")
    first = record(home, stores)
    before = alerts(home)
    second = record(home, stores)
    assert first.alerts == len(before) > 0
    assert second.alerts == 0 and second.extractions == 0
    assert alerts(home) == before


def test_new_watch_sees_only_documents_extracted_after_it(home, stores):
    _, extractions, _ = stores
    watch(home, ENTITY, "LOCATION:KK Park", start_seq=extractions.max_seq())
    assert record(home, stores).alerts == 0
    add_document(stores, "new-raid", "Raid on KK Park",
                 ["Police raided KK Park on Sunday."], relevant=True,
                 mentions=(kk_park_mention(),))
    assert record(home, stores).alerts == 1
    (alert,) = alerts(home)
    assert alert.doc_id == "new-raid"
    assert alert.evidence == ("Police raided KK Park on Sunday.",)
    assert alert.url == "https://news.example/new-raid" and alert.published == "2026-11-22"


def test_reextracted_document_does_not_alert_twice(home, stores):
    _, extractions, _ = stores
    watch(home, TERM, "KK Park", start_seq=extractions.max_seq())
    extraction = add_document(stores, "again", "KK Park again",
                              ["Workers left KK Park."], relevant=True)
    assert record(home, stores).alerts == 1
    extractions.save([extraction], 0)  # a re-extraction: same document, new seq
    report = record(home, stores)
    assert report.extractions == 1 and report.alerts == 0
    assert len(alerts(home)) == 1


def test_alerts_wait_until_the_graph_holds_the_extraction(home, stores):
    _, extractions, graph = stores
    watch(home, TERM, "KK Park", start_seq=extractions.max_seq())
    add_document(stores, "not-built", "KK Park expands", ["KK Park grew."], relevant=True)
    assert record(home, stores, up_to_seq=graph.high_water_mark()).alerts == 0
    assert record(home, stores, up_to_seq=extractions.max_seq()).alerts == 1


def test_off_topic_documents_raise_term_alerts_but_not_entity_alerts(home, stores):
    _, extractions, _ = stores
    start = extractions.max_seq()
    watch(home, ENTITY, "LOCATION:KK Park", start_seq=start)
    watch(home, TERM, "KK Park", start_seq=start)
    strict = watch(home, TERM, "flood", start_seq=start, relevant_only=True)
    add_document(stores, "floods", "Floods near KK Park",
                 ["Floods reached KK Park.", "The flood receded."], relevant=False,
                 mentions=(kk_park_mention(),))
    record(home, stores)
    (alert,) = alerts(home)
    assert (alert.kind, alert.value, alert.relevant) == (TERM, "KK Park", False)
    assert strict.id not in {a.watch_id for a in alerts(home)}


def test_atom_feed_reads_back_with_one_entry_per_alert(home, stores):
    watch(home, TERM, "KK Park")
    watch(home, ENTITY, "LOCATION:Myawaddy")
    record(home, stores)
    found = alerts(home)
    feed = feedparser.parse((home / ATOM_FILE).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    assert len(feed.entries) == len(found) > 1
    by_id = {}
    for entry, alert in zip(feed.entries, found, strict=True):
        assert entry.title == f"{alert.value}: {alert.title}"
        assert entry.link == alert.url
        assert entry.updated == alert.recorded
        assert alert.evidence[0] in entry.summary
        by_id[entry.id] = alert.doc_id
    assert len(by_id) == len(found)
    # Rewriting the feed keeps every entry's id.
    add_document(stores, "later", "KK Park later", ["KK Park reopened."], relevant=True)
    record(home, stores)
    again = feedparser.parse((home / ATOM_FILE).read_bytes())
    assert len(again.entries) == len(found) + 1
    assert by_id.items() <= {e.id: by_id.get(e.id) for e in again.entries}.items()


def test_alerts_since_filters_on_when_they_were_recorded(home, stores):
    watch(home, TERM, "KK Park")
    record(home, stores)
    today = datetime.now(UTC).date()
    assert len(alerts(home, since=today.isoformat())) == len(alerts(home)) > 0
    assert alerts(home, since=(today + timedelta(days=1)).isoformat()) == []


def test_removing_a_watch_drops_its_alerts(home, stores):
    kept = watch(home, TERM, "Huione")
    watch(home, TERM, "KK Park")
    record(home, stores)
    with Watchlist(home / WATCHLIST_FILE) as store:
        removed = store.remove("kk park")
        assert removed.value == "KK Park"
        assert [w.id for w in store.watches()] == [kept.id]
        assert {a.watch_id for a in store.alerts()} == {kept.id}


def test_without_a_watchlist_nothing_is_read_or_written(home, stores):
    report = record(home, stores)
    assert (report.watches, report.alerts) == (0, 0)
    assert not (home / WATCHLIST_FILE).exists() and not (home / ATOM_FILE).exists()


def test_same_term_in_other_case_is_one_watch(home):
    first = watch(home, TERM, "KK Park")
    assert watch(home, TERM, "kk   PARK").id == first.id


@pytest.mark.parametrize("kind, value, message", [
    (ENTITY, "KK Park", "give a key like"),
    (ENTITY, "BOAT:Mae Sot", "give a key like"),
    (TERM, "  ... ", "at least one letter"),
    ("place", "x", "must be entity or term"),
])
def test_bad_watches_are_refused_by_name(home, kind, value, message):
    with pytest.raises(ConfigError, match=message):
        watch(home, kind, value)


def test_atom_feed_drops_characters_xml_cannot_hold():
    alert = Alert(id=1, watch_id=1, kind=TERM, value="KK\x0b Park", doc_id="d1", seq=1,
                  title="Raid\x1f on <KK Park> & more", url="https://x.example/?a=1&b=2",
                  source="Wire", published="2026-01-02", relevant=True,
                  evidence=("Police\x00 raided KK Park.",), recorded="2026-01-03T00:00:00Z")
    feed = feedparser.parse(atom_feed([alert], "0" * 32))
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert entry.title == "KK Park: Raid on <KK Park> & more"
    assert entry.link == "https://x.example/?a=1&b=2"
    assert "Police raided KK Park." in entry.summary


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda t: re.search(r"\w", t)))
def test_any_term_is_found_where_it_is_written_between_spaces(term):
    title = f"Before {term} after"
    document = Document(id="x", url="", title=title, published="2026-01-01", source="",
                        text="", language="en", content_hash="h")
    extraction = Extraction(doc_id="x", language="en", relevant=True, relevance=1.0)
    assert term_evidence(extraction, document, term) == (title,)
