"""The graph agrees with what the real extractor found: dev documents run
through the spaCy pipeline, the document and extraction stores, and a sync."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graph.embedded import EmbeddedGraphStore
from graph.sync import sync_graph
from ingest.records import Document
from ingest.store import DocumentStore
from nlp.extract import Extractor
from nlp.store import ExtractionStore

DEV = Path(__file__).parents[1] / "annotated" / "dev"
PICKED = ("dev-001-raid-myawaddy", "dev-002-recruit-facebook-java",
          "dev-003-rohingya-boat-aceh", "dev-005-sihanoukville-crackdown",
          "dev-007-offtopic-mekong-floods")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    home = tmp_path_factory.mktemp("synced")
    documents = DocumentStore(home / "documents.sqlite")
    extractions = ExtractionStore(home / "extractions.sqlite")
    graph = EmbeddedGraphStore(home / "graph.sqlite")
    for i, stem in enumerate(PICKED):
        text = (DEV / f"{stem}.txt").read_text(encoding="utf-8")
        documents.add(Document(
            id=stem, url=f"https://example.org/{stem}", title=stem.replace("-", " "),
            published=f"2024-0{i + 1}-15", source="dev", text=text, language="en",
            content_hash=hashlib.sha256(text.encode()).hexdigest()))
    found = list(Extractor().extract((d.id, d.text) for _, d in documents.iter_documents()))
    extractions.save(found, doc_high_water_mark=documents.max_seq())
    report = sync_graph(extractions, documents, graph, batch_size=2)
    yield {e.doc_id: e for e in found}, graph, report
    for store in (graph, extractions, documents):
        store.close()


def test_every_document_keeps_its_relevance_and_exactly_its_named_entities(synced):
    found, graph, _ = synced
    in_graph = {d.id: d for d in graph.documents(limit=100)}
    assert set(in_graph) == set(PICKED)
    assert not found["dev-007-offtopic-mekong-floods"].relevant  # the control stays off-topic
    for doc_id, extraction in found.items():
        expected = sorted({m.key for m in extraction.mentions if m.name})
        assert in_graph[doc_id].relevant == extraction.relevant
        assert list(in_graph[doc_id].entities) == (expected if extraction.relevant else [])


def test_every_relation_between_named_entities_is_an_edge_with_its_sentence(synced):
    found, graph, report = synced
    evidence = {
        (e.type, e.source, e.target, e.mode): {(ev.doc_id, ev.sentence) for ev in e.evidence}
        for e in graph.edges()
    }
    unnamed = 0
    for doc_id, extraction in found.items():
        for r in extraction.relations if extraction.relevant else ():
            if r.source.endswith(":") or r.target.endswith(":"):
                unnamed += r.type == "ROUTE"
                continue
            ends = sorted((r.source, r.target)) if r.type == "CO_OCCURS" else [r.source, r.target]
            assert (doc_id, r.sentence_text) in evidence[(r.type, *ends, r.mode)]
    assert report.open_routes == unnamed
    assert sum(len(v) for v in evidence.values()) > 20  # the documents did yield relations
