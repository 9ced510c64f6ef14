"""However documents arrive (one batch, one per document, in any order, with
earlier versions written first), the graph ends up the same: upsert only
recomputes what a batch touched, and that must be enough."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.embedded import EmbeddedGraphStore
from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow

KEYS = ("LOCATION:A", "LOCATION:B", "LOCATION:C", "PLATFORM:D", "RECRUITER:E")
TYPES = ("CO_OCCURS", "ROUTE", "OPERATES_IN")
DATES = ("2024-01-01", "2024-02-01", "2024-03-01")


@st.composite
def document_batches(draw, doc_id: str) -> GraphBatch:
    """Everything one document contributes, as its own batch."""
    date = draw(st.sampled_from(DATES))
    doc = DocumentRow(id=doc_id, title=f"title {doc_id}", url="u", source="s", published=date,
                      relevant=draw(st.booleans()))
    mentioned = draw(st.lists(st.sampled_from(KEYS), min_size=0, max_size=4, unique=True))
    mentions = tuple(MentionRow(doc_id, k, draw(st.integers(1, 3)), date) for k in mentioned)
    evidence = []
    for index in range(draw(st.integers(0, 4))):
        source, target = draw(st.lists(st.sampled_from(KEYS), min_size=2, max_size=2,
                                       unique=True))
        type_ = draw(st.sampled_from(TYPES))
        mode = draw(st.sampled_from(("land", "sea"))) if type_ == "ROUTE" else ""
        via = tuple(draw(st.lists(st.sampled_from(("X", "Y")), max_size=2, unique=True)))
        evidence.append(EvidenceRow(type_, source, target, mode, via if mode else (), doc_id,
                                    index, f"sentence {index}", date))
    return GraphBatch(documents=(doc,), mentions=mentions, evidence=tuple(evidence))


def merged(batches: list[GraphBatch]) -> GraphBatch:
    return GraphBatch(
        documents=tuple(d for b in batches for d in b.documents),
        mentions=tuple(m for b in batches for m in b.mentions),
        evidence=tuple(e for b in batches for e in b.evidence),
    )


def state(store: EmbeddedGraphStore) -> tuple:
    return (store.counts(), store.edges(), store.search_entities("", limit=100),
            store.documents(limit=100), store.overview(limit=100),
            store.overview(since="2024-02-01", until="2024-02-01", limit=100),
            # The derived day tables whole (edges by identity: ids depend on batching).
            store._query("SELECT * FROM entity_days ORDER BY date, entity"),
            store._query("SELECT d.date, e.type, e.source, e.target, e.mode, d.n FROM edge_days d "
                         "JOIN edges e ON e.id = d.edge_id ORDER BY 1, 2, 3, 4, 5"),
            store._query("SELECT * FROM trend_days ORDER BY kind, key, day"))


IDS = ("d0", "d1", "d2", "d3")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    final=st.tuples(*(document_batches(i) for i in IDS)),
    earlier=st.tuples(*(document_batches(i) for i in IDS)),
    order=st.permutations(range(len(IDS))),
)
def test_graph_does_not_depend_on_how_documents_were_batched(final, earlier, order):
    with tempfile.TemporaryDirectory() as tmp:
        at_once = EmbeddedGraphStore(Path(tmp) / "at_once.sqlite")
        at_once.upsert(merged(list(final)))

        piecemeal = EmbeddedGraphStore(Path(tmp) / "piecemeal.sqlite")
        for i in order:  # earlier versions first, in another grouping
            piecemeal.upsert(earlier[i])
        piecemeal.upsert(merged([earlier[i] for i in order[:2]]))
        for i in order:
            piecemeal.upsert(final[i])
        try:
            assert state(piecemeal) == state(at_once)
        finally:
            at_once.close()
            piecemeal.close()
