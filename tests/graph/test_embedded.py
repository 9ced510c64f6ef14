"""What only the embedded backend promises: plain SQLite tables, atomic
batches, and an analysis graph built once per data version."""

from __future__ import annotations

import gc
import re
import sqlite3
import threading
import time
import weakref
from dataclasses import replace

import pytest
from graph_world import CAMBODIA, D4, MAE_SOT, MYANMAR, S_CROSS, WORLD, doc, ev, mention

import graph.embedded
from graph.embedded import EmbeddedGraphStore
from graph.model import DocumentRow, EvidenceRow, GraphBatch
from ingest.errors import StoreError


@pytest.fixture
def store(tmp_path):
    s = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    s.upsert(WORLD)
    yield s
    s.close()


def dump(path) -> dict[str, list]:
    db = sqlite3.connect(path)
    try:
        tables = ("documents", "entities", "mentions", "edges", "evidence", "open_routes")
        out = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall() for t in tables}
        out["meta"] = db.execute(
            "SELECT * FROM meta WHERE key != 'version' ORDER BY key").fetchall()
        return out
    finally:
        db.close()


def test_tables_are_plain_sqlite_a_user_can_query(store):
    db = sqlite3.connect(store.path)
    rows = db.execute(
        "SELECT type, source, target, mode, doc_id, sentence FROM edge_evidence "
        "WHERE type = 'ROUTE'").fetchall()
    assert rows == [("ROUTE", MAE_SOT, "LOCATION:Myawaddy", "land", D4, S_CROSS)]
    assert db.execute("SELECT mentions, documents FROM entities WHERE key = ?",
                      (MYANMAR,)).fetchone() == (4, 3)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_same_batch_twice_leaves_identical_tables(store):
    before = dump(store.path)
    store.upsert(WORLD)
    assert dump(store.path) == before


def test_stored_edge_figures_match_their_evidence(store):
    db = sqlite3.connect(store.path)
    stored = {
        (t, s, g, m): (json_via, w, f, last)
        for t, s, g, m, json_via, w, f, last in db.execute(
            "SELECT type, source, target, mode, via, weight, first_seen, last_seen FROM edges")
    }
    db.close()
    for e in store.edges():
        via, weight, first, last = stored[(e.type, e.source, e.target, e.mode)]
        assert (weight, first, last) == (e.weight, e.first_seen, e.last_seen)
        assert via == "[" + ", ".join(f'"{v}"' for v in e.via) + "]"


def test_failed_batch_changes_nothing_high_water_mark_included(store):
    before = dump(store.path)
    broken = GraphBatch(
        documents=(doc(D4, "Changed title", "Frontier"),),
        mentions=(mention(D4, MAE_SOT),),
        evidence=(replace(ev("CO_OCCURS", CAMBODIA, MAE_SOT, D4, 0, "x"), sentence=None),),
        high_water_mark=99,
    )
    with pytest.raises(StoreError, match="graph store"):
        store.upsert(broken)
    assert dump(store.path) == before
    assert store.high_water_mark() == 5


def test_batch_with_rows_for_a_document_it_does_not_carry_is_refused(store):
    before = dump(store.path)
    with pytest.raises(StoreError, match="'d9'"):
        store.upsert(GraphBatch(mentions=(replace(mention(D4, MAE_SOT), doc_id="d9"),)))
    assert dump(store.path) == before


def test_route_with_unnamed_end_is_kept_aside_once(store):
    assert store.open_route_count() == 1
    store.upsert(WORLD)
    assert store.open_route_count() == 1


def test_text_with_quotes_is_matched_as_text(store):
    assert store.search_entities("'; DROP TABLE entities; --") == []
    assert store.documents(query="%") == []
    assert store.counts()["entities"]["LOCATION"] == 6


def test_analysis_graph_is_built_once_per_data_version(store, tmp_path):
    first = store._analysis_graph()
    store.shortest_path(MAE_SOT, CAMBODIA)
    store.neighbourhood(MYANMAR, depth=2)
    assert store._analysis_graph() is first
    reopened = EmbeddedGraphStore(store.path)
    assert reopened._analysis_graph() is first  # a dashboard rerun reopening the file
    reopened.upsert(GraphBatch(documents=(doc(D4, "Changed", "Frontier"),)))
    assert store._analysis_graph() is not first  # the write is seen through the other object
    assert store.shortest_path(MAE_SOT, CAMBODIA) == []
    reopened.close()


def test_large_analysis_graph_is_kept_out_of_gc_walks_and_an_evicted_one_is_freed(
        store, monkeypatch):
    # Every graph counts as large here; the world's graphs hold reference cycles (networkx
    # caches views that point back at the graph), so only a collection frees them.
    monkeypatch.setattr(graph.embedded, "FREEZE_FROM_EDGES", 0)
    monkeypatch.setattr(graph.embedded, "_GRAPHS_KEPT", 1)
    try:
        first = store._analysis_graph()
        assert len(first.edges) >= 1  # a view networkx caches on the graph: a cycle
        assert gc.get_freeze_count() > first.number_of_nodes() + first.number_of_edges()
        gone = weakref.ref(first)
        del first
        store.upsert(GraphBatch(documents=(doc(D4, "Changed", "Frontier"),)))
        second = store._analysis_graph()  # evicts the first, collects, freezes again
        assert gone() is None
        assert gc.get_freeze_count() > second.number_of_nodes()
    finally:
        gc.unfreeze()


def _web(documents: int, places: int) -> GraphBatch:
    """Documents each linking a few of ``places`` in a chain: an analysis graph that
    takes a noticeable time to build."""
    rows, evidence = [], []
    for number in range(documents):
        doc_id = f"web-{number}"
        rows.append(DocumentRow(id=doc_id, title=doc_id, url=f"https://example.org/{doc_id}",
                                source="s", published="2026-06-01", relevant=True))
        for hop in range(4):
            a, b = (number * 7 + hop) % places, (number * 13 + hop + 1) % places
            evidence.append(EvidenceRow(
                type="CO_OCCURS", source=f"LOCATION:P{min(a, b)}", target=f"LOCATION:P{max(a, b)}",
                mode="", via=(), doc_id=doc_id, sentence_index=hop, sentence="s.",
                date="2026-06-01"))
    return GraphBatch(documents=tuple(rows), evidence=tuple(evidence))


def test_callers_asking_at_once_share_one_analysis_graph_build(store):
    store.upsert(_web(documents=6_000, places=3_000))
    start, found = threading.Barrier(3), []

    def ask() -> None:
        start.wait()
        found.append(store._analysis_graph())

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join(timeout=120)
    assert len(found) == 3 and found[0].number_of_edges() > 10_000
    assert found[1] is found[0] and found[2] is found[0]


def test_an_analysis_graph_build_runs_no_cyclic_collection_and_leaves_the_collector_as_found(
        store):
    store.upsert(_web(documents=600, places=300))  # thousands of objects: gen-0 runs at 700
    collections = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(note)
    try:
        store.prepare()
    finally:
        gc.callbacks.remove(note)
    assert store._analysis_graph().number_of_edges() > 1_000
    # (15 collections without the pause; one may run when the collector is back on,
    # as the build's allocations were counted)
    assert len(collections) <= 1 and gc.isenabled()
    gc.disable()  # a caller that has switched it off keeps it off
    try:
        store.upsert(GraphBatch(documents=(doc(D4, "Changed", "Frontier"),)))
        store.prepare()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_second_connection_sees_committed_batches(store):
    reader = EmbeddedGraphStore(store.path)
    store.upsert(GraphBatch(documents=(doc(D4, "Changed", "Frontier"),), high_water_mark=6))
    assert reader.high_water_mark() == 6
    assert reader.entity(MAE_SOT) is None
    reader.close()


def test_unusable_path_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError, match="cannot be opened"):
        EmbeddedGraphStore(tmp_path / "file" / "graph.sqlite")


def test_file_that_is_not_a_graph_store_is_a_store_error(tmp_path):
    (tmp_path / "graph.sqlite").write_text("plain text, not SQLite " * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        EmbeddedGraphStore(tmp_path / "graph.sqlite")


def test_store_of_another_schema_version_is_refused_with_a_way_out(store):
    db = sqlite3.connect(store.path)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 0.*scamtrace build"):
        EmbeddedGraphStore(store.path)


def test_opening_and_reading_do_not_wait_for_a_writer(store):
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE documents SET title = 'x'")
    started = time.monotonic()
    with EmbeddedGraphStore(store.path) as reader:
        assert reader.counts()["documents"] == 5
        assert reader.documents(query="x") == []  # the uncommitted write is not seen
    assert time.monotonic() - started < 2
    writer.execute("ROLLBACK")
    writer.close()


def test_window_queries_read_the_day_tables_along_their_indexes(store):
    db = sqlite3.connect(store.path)

    def plan(sql: str, *params) -> str:
        return " ".join(r[-1] for r in db.execute(f"EXPLAIN QUERY PLAN {sql}", params))

    # A window's sums read its days' rows, not every mention or evidence row in it.
    assert "SEARCH entity_days USING PRIMARY KEY (date>? AND date<?)" in plan(
        "SELECT entity, sum(mentions) FROM entity_days WHERE date >= ? AND date <= ? "
        "GROUP BY entity", "2024-03-01", "2024-03-31")
    assert "SEARCH edge_days USING PRIMARY KEY (date>?)" in plan(
        "SELECT count(DISTINCT edge_id) FROM edge_days WHERE date >= ?", "2024-03-01")
    assert "COVERING INDEX entity_days_by_entity (entity=? AND date>?" in plan(
        "SELECT sum(mentions), sum(documents) FROM entity_days WHERE entity = ? AND date >= ?",
        "LOCATION:Mae Sot", "2024-03-01")
    # An entity's or an edge's newest rows come off an index in order: no sort of them all.
    newest = plan("SELECT doc_id FROM mentions WHERE entity = ? AND date <= ? "
                  "ORDER BY date DESC, doc_id DESC LIMIT 5", "LOCATION:Mae Sot", "2024-03-31")
    assert "mentions_by_entity_date" in newest and "TEMP B-TREE" not in newest
    assert "evidence_by_edge_day" in plan(
        "SELECT count(*) FROM evidence WHERE edge_id = ? AND date >= ?", 1, "2024-03-01")
    # Edges with both ends among some nodes: both ends sought in one index.
    between = plan("SELECT id FROM edges WHERE source IN (SELECT value FROM json_each(?)) "
                   "AND target IN (SELECT value FROM json_each(?))", "[]", "[]")
    assert re.search(r"INDEX edges_by_(source_target|target_source) \((source|target)=\? "
                     r"AND (target|source)=\?\)", between), between
    db.close()


def test_reads_during_a_sync_see_whole_batches(tmp_path):
    path = tmp_path / "graph.sqlite"
    writer, reader = EmbeddedGraphStore(path), EmbeddedGraphStore(path)
    errors: list[BaseException] = []

    def sync() -> None:
        try:
            for i in range(1, 41):
                doc_id = f"d{i:02d}"
                writer.upsert(GraphBatch(
                    documents=(replace(doc(D4, "t", "s"), id=doc_id),),
                    mentions=(replace(mention(D4, MAE_SOT), doc_id=doc_id),),
                    high_water_mark=i))
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    thread = threading.Thread(target=sync)
    thread.start()
    seen = set()
    while thread.is_alive() or not seen:
        profile = reader.entity_profile(MAE_SOT)
        if profile is not None:
            assert profile.entity.mentions == len(profile.documents)
            seen.add(profile.entity.mentions)
        overview = reader.overview(limit=50)
        assert overview.documents == len(overview.newest_documents)
    thread.join()
    assert errors == []
    assert reader.entity(MAE_SOT).mentions == 40 and reader.high_water_mark() == 40
    writer.close()
    reader.close()
