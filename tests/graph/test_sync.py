"""From extractions to the graph: the pure batch builder, and sync_graph over
real document and extraction stores."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from graph.batch import OPEN_ROUTES
from graph.embedded import EmbeddedGraphStore
from graph.model import EntityRow, MentionRow
from graph.sync import batch_from_extractions, location_coordinates, sync_graph
from ingest.records import Document
from ingest.store import DocumentStore
from nlp.records import Extraction, Mention, Relation
from nlp.store import ExtractionStore

MAE_SOT, MYAWADDY, MYANMAR = "LOCATION:Mae Sot", "LOCATION:Myawaddy", "LOCATION:Myanmar"
FACEBOOK, AGENT = "PLATFORM:Facebook", "RECRUITER:recruitment agent"

SENTENCES = (
    "Victims were taken from Mae Sot across the Moei River into Myawadi.",
    "Brokers in Burma used Facebook to recruit them.",
    "They had been flown in first.",
)


def document(doc_id: str, published: str, title: str = "", text: str = "") -> Document:
    text = text or f"Text of {doc_id}, written for the sync tests only."
    return Document(id=doc_id, url=f"https://example.org/{doc_id}", title=title or doc_id,
                    published=published, source="Example", text=text, language="en",
                    content_hash=hashlib.sha256(text.encode()).hexdigest())


def m(label: str, name: str, text: str, sentence: int) -> Mention:
    return Mention(label=label, name=name, text=text, sentence=sentence, start=0, end=len(text))


def crossing(doc_id: str = "a") -> Extraction:
    return Extraction(
        doc_id=doc_id, language="en", relevant=True, relevance=0.9, sentences=SENTENCES,
        mentions=(
            m("LOCATION", "Mae Sot", "Mae Sot", 0), m("LOCATION", "Myawaddy", "Myawadi", 0),
            m("RECRUITER", "recruitment agent", "Brokers", 1),
            m("LOCATION", "Myanmar", "Burma", 1), m("PLATFORM", "Facebook", "Facebook", 1),
            m("LOCATION", "Mae Sot", "Mae Sot", 2),
        ),
        relations=(
            Relation("ROUTE", MAE_SOT, MYAWADDY, 0, SENTENCES[0], mode="land",
                     via=("Moei River",)),
            Relation("RECRUITS_VIA", AGENT, FACEBOOK, 1, SENTENCES[1]),
            Relation("ROUTE", "LOCATION:", MAE_SOT, 2, SENTENCES[2], mode="air"),
        ),
    )


def off_topic(doc_id: str = "b") -> Extraction:
    return Extraction(doc_id=doc_id, language="en", relevant=False, relevance=0.1,
                      sentences=("Floods hit Laos.",),
                      mentions=(m("LOCATION", "Laos", "Laos", 0),))


# -- batch_from_extractions ----------------------------------------------------
def test_relevant_extraction_gives_mentions_entities_and_evidence():
    batch = batch_from_extractions([(7, crossing(), document("a", "2024-03-05"))])
    assert batch.high_water_mark == 7
    assert batch.mentions == (
        MentionRow("a", MAE_SOT, 2, "2024-03-05"), MentionRow("a", MYANMAR, 1, "2024-03-05"),
        MentionRow("a", MYAWADDY, 1, "2024-03-05"), MentionRow("a", FACEBOOK, 1, "2024-03-05"),
        MentionRow("a", AGENT, 1, "2024-03-05"))
    # Places carry the coordinates nlp.geo gives them.
    assert EntityRow(MYANMAR, "LOCATION", "Myanmar", *location_coordinates("Myanmar"),
                     aliases=("Burma",)) in batch.entities
    assert EntityRow(MAE_SOT, "LOCATION", "Mae Sot",
                     *location_coordinates("Mae Sot")) in batch.entities
    assert [(e.type, e.source, e.target, e.sentence_index) for e in batch.evidence] == [
        ("CO_OCCURS", MAE_SOT, MYAWADDY, 0),
        ("CO_OCCURS", MYANMAR, FACEBOOK, 1),
        ("CO_OCCURS", MYANMAR, AGENT, 1),
        ("CO_OCCURS", FACEBOOK, AGENT, 1),
        ("RECRUITS_VIA", AGENT, FACEBOOK, 1),
        ("ROUTE", MAE_SOT, MYAWADDY, 0),
    ]
    route = batch.evidence[-1]
    assert (route.mode, route.via, route.sentence, route.date) == (
        "land", ("Moei River",), SENTENCES[0], "2024-03-05")


def test_route_with_unnamed_origin_is_set_aside_not_dropped():
    batch = batch_from_extractions([(1, crossing(), document("a", "2024-03-05"))])
    (open_route,) = batch.extra[OPEN_ROUTES]
    assert (open_route.source, open_route.target, open_route.mode) == ("LOCATION:", MAE_SOT, "air")


def test_co_occurrence_quotes_a_relation_sentence_when_sentences_are_not_kept():
    extraction = replace(crossing(), sentences=())
    batch = batch_from_extractions([(1, extraction, document("a", "2024-03-05"))])
    co_occurs = {(e.source, e.target): e.sentence for e in batch.evidence
                 if e.type == "CO_OCCURS"}
    assert co_occurs[(MAE_SOT, MYAWADDY)] == SENTENCES[0]
    assert co_occurs[(MYANMAR, FACEBOOK)] == SENTENCES[1]


def test_off_topic_extraction_gives_only_a_document_row():
    batch = batch_from_extractions([(1, off_topic(), document("b", "2024-02-20"))])
    assert [(d.id, d.relevant) for d in batch.documents] == [("b", False)]
    assert (batch.entities, batch.mentions, batch.evidence) == ((), (), ())


def test_document_extracted_twice_in_a_batch_counts_by_its_latest_extraction():
    doc = document("a", "2024-03-05")
    batch = batch_from_extractions([(9, off_topic("a"), doc), (4, crossing("a"), doc)])
    assert [(d.id, d.relevant) for d in batch.documents] == [("a", False)]
    assert batch.mentions == () and batch.high_water_mark == 9


def test_no_items_make_an_empty_batch():
    batch = batch_from_extractions([])
    assert (batch.documents, batch.high_water_mark) == ((), None)


# -- sync_graph over real stores -----------------------------------------------
@pytest.fixture
def stores(tmp_path):
    documents = DocumentStore(tmp_path / "documents.sqlite")
    extractions = ExtractionStore(tmp_path / "extractions.sqlite")
    graph = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    yield documents, extractions, graph
    for store in (graph, extractions, documents):
        store.close()


def fill(documents: DocumentStore, extractions: ExtractionStore, n: int, start: int = 0) -> None:
    """n documents, every third off-topic, each relevant one a Mae Sot crossing."""
    saved = []
    for i in range(start, start + n):
        doc_id = f"doc{i:03d}"
        documents.add(document(doc_id, f"2024-03-{1 + i % 28:02d}", text=f"Unique text {i}."))
        saved.append(off_topic(doc_id) if i % 3 == 2 else crossing(doc_id))
    extractions.save(saved, doc_high_water_mark=documents.max_seq())


def graph_state(graph) -> tuple:
    return (graph.counts(), graph.edges(), graph.documents(limit=500),
            graph.search_entities("", limit=100))


def test_sync_writes_every_extraction_and_moves_the_mark(stores):
    documents, extractions, graph = stores
    fill(documents, extractions, 9)
    report = sync_graph(extractions, documents, graph, batch_size=4)
    assert (report.extractions, report.documents, report.relevant, report.batches) == (9, 9, 6, 3)
    assert report.open_routes == 6
    assert graph.high_water_mark() == extractions.max_seq() == report.high_water_mark
    assert graph.counts()["relevant_documents"] == 6
    assert graph.entity(MAE_SOT).mentions == 12
    (route,) = graph.edges(types=("ROUTE",))
    assert route.weight == 6


def test_second_sync_reads_only_new_extractions(stores):
    documents, extractions, graph = stores
    fill(documents, extractions, 6)
    sync_graph(extractions, documents, graph)
    fill(documents, extractions, 3, start=6)
    report = sync_graph(extractions, documents, graph)
    assert report.extractions == 3
    assert graph.counts()["documents"] == 9
    assert sync_graph(extractions, documents, graph).extractions == 0


def test_sync_killed_after_a_batch_resumes_without_loss_or_duplicates(stores, tmp_path):
    documents, extractions, graph = stores
    fill(documents, extractions, 10)

    def killed_after_first_batch(advance=0, total=None, description=None):
        if advance:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_graph(extractions, documents, graph, batch_size=3, progress=killed_after_first_batch)
    assert graph.counts()["documents"] == 3
    report = sync_graph(extractions, documents, graph, batch_size=3)
    assert report.extractions == 7

    fresh = EmbeddedGraphStore(tmp_path / "fresh.sqlite")
    sync_graph(extractions, documents, fresh, batch_size=100)
    assert graph_state(graph) == graph_state(fresh)
    fresh.close()


def test_re_extracted_document_replaces_its_contribution(stores):
    documents, extractions, graph = stores
    fill(documents, extractions, 3)
    sync_graph(extractions, documents, graph)
    assert graph.entity(FACEBOOK).documents == 2
    extractions.save([off_topic("doc000")], doc_high_water_mark=documents.max_seq())
    assert sync_graph(extractions, documents, graph).extractions == 1
    assert graph.entity(FACEBOOK).documents == 1
    assert graph.counts()["relevant_documents"] == 1


def test_rebuild_gives_the_same_graph_as_incremental_syncs(stores):
    documents, extractions, graph = stores
    fill(documents, extractions, 4)
    sync_graph(extractions, documents, graph)
    fill(documents, extractions, 4, start=4)
    sync_graph(extractions, documents, graph)
    before = graph_state(graph)
    report = sync_graph(extractions, documents, graph, rebuild=True)
    assert report.rebuilt and report.extractions == 8
    assert graph_state(graph) == before


def test_graph_ahead_of_a_recreated_extraction_store_is_rebuilt(stores, tmp_path):
    documents, extractions, graph = stores
    fill(documents, extractions, 6)
    sync_graph(extractions, documents, graph)
    recreated = ExtractionStore(tmp_path / "recreated.sqlite")
    recreated.save([crossing("doc000")], doc_high_water_mark=1)
    report = sync_graph(recreated, documents, graph)
    recreated.close()
    assert report.rebuilt
    assert graph.counts()["documents"] == 1


def test_extraction_without_its_document_is_skipped_and_counted(stores):
    documents, extractions, graph = stores
    fill(documents, extractions, 2)
    extractions.save([crossing("ghost")], doc_high_water_mark=documents.max_seq())
    report = sync_graph(extractions, documents, graph)
    assert (report.extractions, report.documents, report.missing_documents) == (3, 2, 1)
    assert graph.high_water_mark() == extractions.max_seq()
    assert "1 skipped" in report.summary()


def test_progress_reports_total_then_advances_to_it(stores):
    documents, extractions, graph = stores
    fill(documents, extractions, 5)
    calls = []
    sync_graph(extractions, documents, graph, batch_size=2,
               progress=lambda advance=0, total=None, description=None:
               calls.append((advance, total)))
    assert calls[0] == (0, 5)
    assert sum(a for a, _ in calls) == 5


# -- several data directories writing one shared graph ------------------------
def writer_stores(root, docs: range):
    """A data directory of its own (documents and extractions) holding ``docs``."""
    root.mkdir()
    documents = DocumentStore(root / "documents.sqlite")
    extractions = ExtractionStore(root / "extractions.sqlite")
    fill(documents, extractions, len(docs), start=docs.start)
    return documents, extractions


def test_two_writers_keep_their_own_marks_in_one_shared_graph(graph_store, tmp_path):
    north = writer_stores(tmp_path / "north", range(0, 6))
    south = writer_stores(tmp_path / "south", range(3, 9))  # docs 3-5 reach both writers
    first = sync_graph(north[1], north[0], graph_store, writer="north")
    second = sync_graph(south[1], south[0], graph_store, writer="south")
    assert (first.extractions, second.extractions) == (6, 6)
    assert graph_store.high_water_mark("north") == north[1].max_seq()
    assert graph_store.high_water_mark("south") == south[1].max_seq()
    assert graph_store.high_water_mark() == 0  # the single-writer mark is untouched
    assert graph_store.counts()["documents"] == 9  # the shared documents are stored once
    assert sync_graph(north[1], north[0], graph_store, writer="north").extractions == 0
    assert sync_graph(south[1], south[0], graph_store, writer="south").extractions == 0

    alone = EmbeddedGraphStore(tmp_path / "alone.sqlite")
    everything = writer_stores(tmp_path / "all", range(0, 9))
    sync_graph(everything[1], everything[0], alone)
    assert graph_state(graph_store) == graph_state(alone)
    alone.close()
    for store in (*north, *south, *everything):
        store.close()


def test_named_writer_with_a_recreated_extraction_store_resends_without_clearing_others(
        graph_store, tmp_path):
    north = writer_stores(tmp_path / "north", range(0, 6))
    south = writer_stores(tmp_path / "south", range(6, 9))
    sync_graph(north[1], north[0], graph_store, writer="north")
    sync_graph(south[1], south[0], graph_store, writer="south")
    recreated = ExtractionStore(tmp_path / "north" / "recreated.sqlite")
    recreated.save([crossing("doc000")], doc_high_water_mark=1)
    report = sync_graph(recreated, north[0], graph_store, writer="north")
    assert not report.rebuilt and report.extractions == 1
    assert graph_store.counts()["documents"] == 9  # south's documents are still there
    assert graph_store.high_water_mark("north") == recreated.max_seq()
    for store in (recreated, *north, *south):
        store.close()


def test_clear_drops_every_writers_mark_and_moves_the_data_version(graph_store, tmp_path):
    north = writer_stores(tmp_path / "north", range(0, 3))
    before = graph_store.data_version()
    sync_graph(north[1], north[0], graph_store, writer="north")
    written = graph_store.data_version()
    assert written != before
    graph_store.clear()
    assert graph_store.high_water_mark("north") == 0
    assert graph_store.data_version() != written
    assert sync_graph(north[1], north[0], graph_store, writer="north").extractions == 3
    for store in north:
        store.close()
