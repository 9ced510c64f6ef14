"""Syncing the real sample stores into Neo4j: the graph answers every dashboard
query as the embedded store does, and a sync cut short by a server restart
resumes from Neo4j's high-water mark to the same graph."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j_server import PASSWORD, free_port, require_server, script, shared_lib_dir

from graph.embedded import EmbeddedGraphStore
from graph.neo4j_store import Neo4jGraphStore
from graph.sync import sync_graph
from ingest.errors import StoreError
from ingest.store import DocumentStore
from nlp.store import ExtractionStore
from nlp.taxonomy import ENTITY_LABELS

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture(scope="module")
def sample_stores(sample_home: Path) -> Iterator[tuple[DocumentStore, ExtractionStore]]:
    documents = DocumentStore(sample_home / "documents.sqlite")
    extractions = ExtractionStore(sample_home / "extractions.sqlite")
    yield documents, extractions
    extractions.close()
    documents.close()


@pytest.fixture(scope="module")
def embedded(sample_home: Path) -> Iterator[EmbeddedGraphStore]:
    """The graph `scamtrace build` made on the embedded store: the reference."""
    store = EmbeddedGraphStore(sample_home / "graph.sqlite")
    yield store
    store.close()


@pytest.fixture(scope="module")
def neo4j_sample(sample_stores) -> Iterator[Neo4jGraphStore]:
    store = Neo4jGraphStore(uri=require_server(), user="neo4j", password=PASSWORD)
    store.clear()
    documents, extractions = sample_stores
    sync_graph(extractions, documents, store, batch_size=25)
    yield store
    store.close()


def graph_state(store) -> tuple:
    return (store.counts(), store.edges(), store.documents(limit=1000),
            store.search_entities("", limit=1000), store.overview(limit=25),
            store.high_water_mark())


def dashboard_answers(store, embedded: EmbeddedGraphStore) -> dict:
    """Every query the dashboard makes, over entities picked from the reference."""
    newest = embedded.documents(limit=1)[0].published
    since = f"{int(newest[:4]) - 1}{newest[4:]}"  # the year up to the newest document
    top = [n.key for n in embedded.overview(limit=8).top_entities]
    return {
        "counts": store.counts(),
        "overview": store.overview(limit=15),
        "overview_window": store.overview(since=since, until=newest, limit=15),
        "search": [store.search_entities(q, limit=25)
                   for q in ("", "a", "myan", "scam", "thai", "k.k", "park", "facebook")],
        "search_label": [store.search_entities("a", label=label) for label in ENTITY_LABELS],
        "top": [store.top_entities(label, limit=10) for label in ENTITY_LABELS],
        "top_window": [store.top_entities(label, since=since) for label in ENTITY_LABELS],
        "profiles": [store.entity_profile(k) for k in top],
        "profiles_window": [store.entity_profile(k, since=since, neighbour_limit=10,
                                                 evidence_limit=2) for k in top],
        "neighbourhoods": [store.neighbourhood(k, depth=2, limit=60) for k in top[:4]],
        "neighbourhood_window": [store.neighbourhood(k, since=since, labels=("LOCATION",))
                                 for k in top[:4]],
        "paths": [store.shortest_path(a, b) for a in top for b in top],
        "documents": store.documents(limit=40, offset=5),
        "documents_query": [store.documents(q) for q in ("scam", "traffick", "myanmar")],
        "documents_entity": [store.documents(entity=k, relevant_only=True) for k in top[:4]],
        "edges_window": store.edges(since=since),
    }


def test_sample_store_synced_into_neo4j_answers_as_the_embedded_store(neo4j_sample, embedded):
    assert embedded.counts()["relations"], "the sample store should have relations"
    assert graph_state(neo4j_sample) == graph_state(embedded)
    expected = dashboard_answers(embedded, embedded)
    found = dashboard_answers(neo4j_sample, embedded)
    for name in expected:
        assert found[name] == expected[name], name
    assert any(expected["paths"]), "the sample store should have paths"


def test_neo4j_resyncs_nothing_once_at_the_mark(neo4j_sample, sample_stores):
    documents, extractions = sample_stores
    assert neo4j_sample.high_water_mark() == extractions.max_seq()
    assert sync_graph(extractions, documents, neo4j_sample).extractions == 0


# -- a server of our own, stopped and restarted during a sync ---------------------
@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A second server (own cache folder and port) that this test may stop."""
    lib = shared_lib_dir()
    if not any(lib.glob(".installed-*")):
        reason = f"no Neo4j jars in {lib}: run scripts/neo4j install"
        if os.environ.get("SCAMTRACE_REQUIRE_NEO4J") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    home = tmp_path / "neo4j"
    home.mkdir()
    (home / "lib").symlink_to(lib)
    if (lib.parent / "cds").is_dir():  # the class archive saves a slow first start and stop
        shutil.copytree(lib.parent / "cds", home / "cds")
    env = {**os.environ, "SCAMTRACE_NEO4J_HOME": str(home),
           "NEO4J_BOLT_PORT": str(free_port()), "SCAMTRACE_NEO4J_PASSWORD": PASSWORD}
    started = script("start", env=env, timeout=400)
    assert started.returncode == 0, started.stderr
    try:
        yield f"bolt://127.0.0.1:{env['NEO4J_BOLT_PORT']}", env
    finally:
        script("stop", env=env, timeout=400)


def test_sync_cut_by_a_server_restart_resumes_to_the_uninterrupted_graph(
        own_server, sample_stores, tmp_path):
    uri, env = own_server
    documents, extractions = sample_stores
    newest = extractions.max_seq()
    batch_size = max(1, newest // 4)
    graph = Neo4jGraphStore(uri=uri, user="neo4j", password=PASSWORD, connection_timeout=3,
                            retry_seconds=3)
    stops = []

    def stop_server_after_first_batch(advance=0, total=None, description=None):
        if advance and not stops:
            stops.append(script("stop", env=env))

    try:
        with pytest.raises(StoreError) as raised:
            sync_graph(extractions, documents, graph, batch_size=batch_size,
                       progress=stop_server_after_first_batch)
        assert uri in str(raised.value) and PASSWORD not in str(raised.value)

        assert script("start", env=env).returncode == 0
        mark = graph.high_water_mark()  # the same store object reconnects
        assert 0 < mark < newest
        report = sync_graph(extractions, documents, graph, batch_size=batch_size)
        assert report.extractions == sum(1 for _ in extractions.iter_extractions(after_seq=mark))
        assert graph.high_water_mark() == newest

        uninterrupted = EmbeddedGraphStore(tmp_path / "graph.sqlite")
        sync_graph(extractions, documents, uninterrupted, batch_size=1000)
        assert graph_state(graph) == graph_state(uninterrupted)

        report = sync_graph(extractions, documents, graph, rebuild=True, batch_size=batch_size)
        assert report.rebuilt and report.extractions == len(list(extractions.iter_extractions()))
        assert graph_state(graph) == graph_state(uninterrupted)
        uninterrupted.close()
    finally:
        graph.close()
