"""What only the Neo4j backend promises: its schema, one transaction per
upsert, credentials kept out of every message, and the same state as the
embedded store after any sequence of batches."""

from __future__ import annotations

import tempfile
from pathlib import Path

import neo4j
import pytest
from graph_world import D1, MYANMAR, WORLD, doc, ev, mention
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j_server import PASSWORD, free_port

from graph.embedded import EmbeddedGraphStore
from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow
from graph.neo4j_store import Neo4jGraphStore, relation_type
from ingest.errors import StoreError

pytestmark = pytest.mark.neo4j


def full_state(store) -> tuple:
    return (store.counts(), store.edges(), store.search_entities("", limit=500),
            store.documents(limit=500), store.overview(limit=50),
            store.overview(since="2024-02-01", until="2024-02-01", limit=50),
            store.high_water_mark())


def test_unreachable_server_raises_store_error_naming_uri_not_password():
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError) as raised:
        Neo4jGraphStore(uri=uri, user="neo4j", password="s3cret-Pa55word",
                        connection_timeout=2)
    assert uri in str(raised.value)
    assert "s3cret-Pa55word" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_wrong_password_raises_store_error_without_the_password(neo4j_uri):
    with pytest.raises(StoreError) as raised:
        Neo4jGraphStore(uri=neo4j_uri, user="neo4j", password="not-the-Pa55word")
    assert neo4j_uri in str(raised.value)
    assert "not-the-Pa55word" not in str(raised.value)


def test_repr_and_attributes_do_not_hold_the_password(neo4j_store):
    assert PASSWORD not in repr(neo4j_store)
    assert all(value != PASSWORD for value in vars(neo4j_store).values()
               if isinstance(value, str))


def test_opening_twice_keeps_one_set_of_constraints_and_indexes(neo4j_uri, neo4j_store):
    with neo4j.GraphDatabase.driver(neo4j_uri, auth=("neo4j", PASSWORD)) as driver:
        def schema():
            constraints, _, _ = driver.execute_query(
                "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties "
                "WHERE name STARTS WITH 'scamtrace_' RETURN name, labelsOrTypes, properties")
            indexes, _, _ = driver.execute_query(
                "SHOW INDEXES YIELD name, type WHERE name STARTS WITH 'scamtrace_' "
                "RETURN name, type")
            return (sorted(tuple(map(str, r.values())) for r in constraints),
                    sorted(tuple(r.values()) for r in indexes))

        before = schema()
        Neo4jGraphStore(uri=neo4j_uri, user="neo4j", password=PASSWORD).close()
        assert schema() == before
    constraints, indexes = before
    assert ("scamtrace_entity_key", "['Entity']", "['key']") in constraints
    assert ("scamtrace_document_id", "['Document']", "['id']") in constraints
    assert ("scamtrace_entity_names", "FULLTEXT") in indexes


def test_a_database_without_the_evidence_window_index_gets_it_when_opened(neo4j_uri,
                                                                          neo4j_store):
    # The trends facts read an edge's evidence in a window along the (edge, date) index
    # by name, so a database created before it must have it made when opened.
    neo4j_store.upsert(WORLD)
    expected = neo4j_store.trend_facts().relation_counts(("OPERATES_IN",), "2024-01-01",
                                                         "2024-02-01", "2024-12-31")
    assert expected
    with neo4j.GraphDatabase.driver(neo4j_uri, auth=("neo4j", PASSWORD)) as driver:
        def index() -> list[tuple]:
            rows, _, _ = driver.execute_query(
                "SHOW INDEXES YIELD name, labelsOrTypes, properties, state "
                "WHERE name = 'scamtrace_evidence_edge_date' "
                "RETURN labelsOrTypes, properties, state")
            return [tuple(r.values()) for r in rows]

        driver.execute_query("DROP INDEX scamtrace_evidence_edge_date")
        assert index() == []
        with Neo4jGraphStore(uri=neo4j_uri, user="neo4j", password=PASSWORD) as reopened:
            assert index() == [(["Evidence"], ["edge", "date"], "ONLINE")]
            assert reopened.trend_facts().relation_counts(
                ("OPERATES_IN",), "2024-01-01", "2024-02-01", "2024-12-31") == expected


def test_failed_upsert_leaves_the_store_and_mark_as_they_were(neo4j_store):
    neo4j_store.upsert(WORLD)
    before = full_state(neo4j_store)
    broken = GraphBatch(
        documents=(doc(D1, "Rewritten title", "Irrawaddy"),),
        mentions=(mention(D1, MYANMAR, 9),),
        evidence=(ev("NOT_A_RELATION", MYANMAR, "LOCATION:Laos", D1, 0, "s"),),
        high_water_mark=99,
    )
    with pytest.raises(StoreError, match="NOT_A_RELATION"):
        neo4j_store.upsert(broken)
    assert full_state(neo4j_store) == before


def test_relation_types_outside_the_taxonomy_never_reach_cypher():
    assert relation_type("ROUTE") == "ROUTE"
    with pytest.raises(StoreError):
        relation_type("ROUTE]->() DETACH DELETE (n) //")


def test_entity_names_are_matched_as_text_not_as_query_syntax(neo4j_store):
    odd = ("LOCATION:Ban (Mae) Sot*", "ORG:O'Brien \"AND\" co", "LOCATION:Đà Nẵng",
           "PLATFORM:Straße")
    neo4j_store.upsert(GraphBatch(documents=(doc(D1, "t", "s"),),
                                  mentions=tuple(mention(D1, k) for k in odd)))
    assert [n.key for n in neo4j_store.search_entities("(mae) sot*")] == [odd[0]]
    assert [n.key for n in neo4j_store.search_entities('"and"')] == [odd[1]]
    assert [n.key for n in neo4j_store.search_entities("nẵng")] == [odd[2]]
    assert [n.key for n in neo4j_store.search_entities("STRASSE")] == [odd[3]]  # casefolded
    assert neo4j_store.search_entities("*") == [neo4j_store.entity(odd[0])]


# -- the same graph as the embedded store, however batches arrive -----------------
KEYS = ("LOCATION:A", "LOCATION:B", "LOCATION:C", "PLATFORM:D", "RECRUITER:E")
TYPES = ("CO_OCCURS", "ROUTE", "OPERATES_IN")
DATES = ("2024-01-01", "2024-02-01", "2024-03-01")


@st.composite
def document_batch(draw, doc_id: str) -> GraphBatch:
    date = draw(st.sampled_from(DATES))
    document = DocumentRow(id=doc_id, title=f"Title {doc_id}", url="u", source="s",
                           published=date, relevant=draw(st.booleans()))
    mentioned = draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True))
    evidence = []
    for index in range(draw(st.integers(0, 4))):
        source, target = draw(st.lists(st.sampled_from(KEYS), min_size=2, max_size=2,
                                       unique=True))
        type_ = draw(st.sampled_from(TYPES))
        mode = draw(st.sampled_from(("land", "sea"))) if type_ == "ROUTE" else ""
        via = tuple(draw(st.lists(st.sampled_from(("X", "Y")), max_size=2, unique=True)))
        evidence.append(EvidenceRow(type_, source, target, mode, via if mode else (), doc_id,
                                    index, f"sentence {index}", date))
    return GraphBatch(
        documents=(document,),
        mentions=tuple(MentionRow(doc_id, k, draw(st.integers(1, 3)), date) for k in mentioned),
        evidence=tuple(evidence))


def queries(store) -> tuple:
    keys = [n.key for n in store.search_entities("", limit=50)]
    return (
        full_state(store),
        [store.entity_profile(k, since="2024-02-01") for k in keys],
        [store.neighbourhood(k, depth=2, until="2024-02-01") for k in keys],
        [store.shortest_path(a, b) for a in keys for b in keys],
        [store.top_entities(label, since="2024-01-15") for label in ("LOCATION", "PLATFORM")],
        store.edges(since="2024-02-01"),
    )


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.sampled_from(("d0", "d1", "d2", "d3", "d4")).flatmap(document_batch),
                        min_size=1, max_size=6))
def test_any_sequence_of_batches_gives_the_embedded_store_s_answers(neo4j_store, batches):
    neo4j_store.clear()
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedGraphStore(Path(tmp) / "graph.sqlite")
        try:
            for i, batch in enumerate(batches):
                batch = GraphBatch(documents=batch.documents, mentions=batch.mentions,
                                   evidence=batch.evidence, high_water_mark=i + 1)
                embedded.upsert(batch)
                neo4j_store.upsert(batch)
            assert queries(neo4j_store) == queries(embedded)
        finally:
            embedded.close()


def test_evidence_arriving_out_of_date_order_keeps_a_hub_edge_s_figures(neo4j_store):
    # Each document adds two pieces of evidence to one edge; one batch arrives out of date
    # order (its dates go first), the others after it in order (theirs go at the end).
    dates = ("2024-02-01", "2024-01-01", "2024-03-01", "2024-03-01", "2024-03-15")
    neo4j_store.clear()
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedGraphStore(Path(tmp) / "graph.sqlite")
        try:
            for number, date in enumerate(dates):
                doc_id = f"hub{number}"
                batch = GraphBatch(
                    documents=(DocumentRow(id=doc_id, title=doc_id, url="u", source="s",
                                           published=date, relevant=True),),
                    mentions=(MentionRow(doc_id, "LOCATION:A", 2, date),),
                    evidence=tuple(EvidenceRow("ROUTE", "LOCATION:A", "LOCATION:B", "sea",
                                               (f"V{number % 2}",), doc_id, index,
                                               f"sentence {index}", date) for index in (0, 1)),
                    high_water_mark=number + 1)
                embedded.upsert(batch)
                neo4j_store.upsert(batch)
            assert queries(neo4j_store) == queries(embedded)
            [edge] = neo4j_store.edges(since="2024-02-01", until="2024-03-10")
            assert (edge.weight, edge.first_seen, edge.last_seen) == (6, "2024-02-01",
                                                                      "2024-03-01")
        finally:
            embedded.close()
