"""The dashboard over the Neo4j backend: the sample graph synced into the real
server shows the same overview as on the embedded store, and every page
renders without an exception."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.neo4j_store import Neo4jGraphStore
from graph.sync import sync_graph
from ingest.store import DocumentStore
from nlp.store import ExtractionStore

from .conftest import no_exceptions, open_app

sys.path.insert(0, str(Path(__file__).parents[1] / "graph"))
from neo4j_server import PASSWORD, require_server  # noqa: E402

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture
def neo4j_app(sample_home: Path, point_dashboard_at, monkeypatch) -> Iterator[Neo4jGraphStore]:
    """The sample graph in Neo4j, and the app configured to read it from there."""
    uri = require_server()
    store = Neo4jGraphStore(uri=uri, user="neo4j", password=PASSWORD)
    with (DocumentStore(sample_home / "documents.sqlite") as documents,
          ExtractionStore(sample_home / "extractions.sqlite") as extractions):
        sync_graph(extractions, documents, store, rebuild=True)
    point_dashboard_at(sample_home)
    monkeypatch.setenv("SCAMTRACE_GRAPH_BACKEND", "neo4j")
    monkeypatch.setenv("SCAMTRACE_NEO4J_URI", uri)
    monkeypatch.setenv("SCAMTRACE_NEO4J_PASSWORD", PASSWORD)
    yield store
    store.close()


def test_pages_over_neo4j_show_what_the_embedded_store_shows(neo4j_app, sample_store):
    app = open_app()
    assert no_exceptions(app)
    newest = date.fromisoformat(sample_store.documents(limit=1)[0].published)
    window = ((newest - timedelta(days=89)).isoformat(), newest.isoformat())
    expected = sample_store.overview(*window)
    assert {m.label: int(m.value) for m in app.metric} == {
        "Documents": expected.documents,
        "Relevant documents": expected.relevant_documents,
        "Entities": expected.entities,
        "Relations": expected.relations,
    }
    top = sample_store.overview(limit=1).top_entities[0].key
    for page, params in (("views/entities.py", {"entity": top}),
                         ("views/explorer.py", {"entity": top}),
                         ("views/documents.py", None), ("views/trends.py", None)):
        assert no_exceptions(open_app(page, params)), page
