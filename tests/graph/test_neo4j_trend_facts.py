"""Neo4j's own answers to the trends report's questions give the report the
protocol-only path gives on the same server, for the corpora the embedded
aggregates are held to (tests/graph/test_trend_facts.py)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_trend_facts import (  # noqa: E402
    KEYS,
    PERIODS,
    WINDOW_EDGE_ROUTES,
    _ProtocolOnly,
    _route_documents,
    answers,
    assert_listing_keeps_the_best_documented_new_relations,
    assert_mode_change_on_the_window_edge,
    both_reports,
    with_edge_cases,
)
from test_trends import SINCE, UNTIL, build_corpus, corridor_corpus, day  # noqa: E402

from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow  # noqa: E402
from graph.neo4j_store import Neo4jGraphStore  # noqa: E402
from graph.neo4j_trends import (  # noqa: E402
    Neo4jTrendFacts,
    _collected,
    _first_documents,
)
from graph.trends import (  # noqa: E402
    ProtocolTrendFacts,
    TrendSettings,
    trend_facts,
)

pytestmark = pytest.mark.neo4j


def loaded(store: Neo4jGraphStore, batch: GraphBatch) -> Neo4jGraphStore:
    store.clear()
    store.upsert(batch)
    return store


def test_store_answers_through_its_own_facts(neo4j_module_store):
    assert isinstance(trend_facts(neo4j_module_store), Neo4jTrendFacts)
    assert isinstance(trend_facts(_ProtocolOnly(neo4j_module_store)), ProtocolTrendFacts)


WINDOWS = [(SINCE, UNTIL), (day(8, 0), UNTIL), (day(9, 0), UNTIL), ("2026-07-13", UNTIL),
           (None, None), (day(3, 2), day(7, 4))]


def test_server_aggregates_give_the_report_the_protocol_gives(neo4j_module_store):
    loaded(neo4j_module_store, build_corpus().batch())
    for window in WINDOWS:
        fast, slow = both_reports(neo4j_module_store, *window)
        assert fast == slow, window
    # The corpus has something in every part, so the comparison compares something.
    fast, _ = both_reports(neo4j_module_store, SINCE, UNTIL)
    assert fast.bursts and fast.first_seen and fast.new_relations and fast.counts.by_entity


def test_server_aggregates_give_the_corridor_report_the_protocol_gives(neo4j_module_store):
    loaded(neo4j_module_store, corridor_corpus().batch())
    for window in [(day(8, 0), UNTIL), (day(10, 0), UNTIL), (None, None)]:
        fast, slow = both_reports(neo4j_module_store, *window)
        assert fast == slow, window
    fast, _ = both_reports(neo4j_module_store, day(8, 0), UNTIL)
    assert [c.kind for c in fast.mode_changes] == ["corridor"]


def test_listing_keeps_the_best_documented_new_relations_both_ways(neo4j_module_store):
    assert_listing_keeps_the_best_documented_new_relations(
        loaded(neo4j_module_store, corridor_corpus().batch()))


@pytest.mark.parametrize("since", ["2026-06-10", "2026-06-11"])
def test_mode_first_reported_on_the_window_edge_is_a_change_both_ways(neo4j_module_store, since):
    assert_mode_change_on_the_window_edge(
        loaded(neo4j_module_store, _route_documents(WINDOW_EDGE_ROUTES)), since)


def test_bursting_relation_lists_its_newest_documents_with_their_first_sentence(neo4j_module_store):
    # One document with two sentences on the same day for a relation that bursts: the
    # lower sentence index is the one shown, as the protocol path shows it.
    corpus = build_corpus()
    burst = [corpus.add(f"hub-{i}", day(10, i % 7), ("RECRUITER:Hub", "PLATFORM:Line"))
             for i in range(30)]
    for i, doc in enumerate(burst):
        for index in (1, 0):
            corpus.evidence.append(EvidenceRow(
                "RECRUITS_VIA", "RECRUITER:Hub", "PLATFORM:Line", "", (), doc, index,
                f"sentence {index} of {doc}", day(10, i % 7)))
    loaded(neo4j_module_store, corpus.batch())
    fast, slow = both_reports(neo4j_module_store, SINCE, UNTIL)
    assert fast == slow
    [hub] = [b for b in fast.bursts if b.kind == "relation" and "RECRUITER:Hub" in b.key]
    assert hub.document_count == 30 and len(hub.documents) == 25
    assert all(d.sentence == f"sentence 0 of {d.id}" for d in hub.documents)


@pytest.mark.parametrize("corpus", [build_corpus, corridor_corpus])
def test_each_answer_is_the_protocol_answer(neo4j_module_store, corpus):
    loaded(neo4j_module_store, with_edge_cases(corpus()).batch())
    types = tuple(TrendSettings().relation_types)
    for start, split, until in PERIODS:
        fast = answers(Neo4jTrendFacts(neo4j_module_store), types, start, split, until)
        slow = answers(ProtocolTrendFacts(neo4j_module_store), types, start, split, until)
        assert fast.pop("corridors") is not None and slow.pop("corridors") is None
        assert fast == slow, (start, split, until)


documents_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 20), st.booleans(),
              st.lists(st.sampled_from(KEYS), min_size=0, max_size=3, unique=True),
              st.sampled_from(["sea", "land", "air", "", "unknown"])),
    min_size=1, max_size=30)


# Few examples: each clears and loads the server and reads the report twice.
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents_strategy, st.integers(0, 20), st.integers(0, 20), st.integers(1, 3))
def test_any_corpus_gives_the_same_report_both_ways(neo4j_module_store, docs, a, b, listed):
    def on(offset: int) -> str:
        return (date(2026, 6, 1) + timedelta(days=offset * 3)).isoformat()

    rows, mentions, evidence = [], [], []
    for number, (doc, offset, relevant, keys, mode) in enumerate(docs):
        doc_id = f"d{doc}-{number}"
        published = on(offset)
        rows.append(DocumentRow(id=doc_id, title=doc_id, url=f"https://x/{doc_id}", source="s",
                                published=published, relevant=relevant))
        mentions += [MentionRow(doc_id, key, 1, published) for key in keys]
        if len(keys) >= 2:
            type_ = "ROUTE" if keys[1].startswith("LOCATION") else "OPERATES_IN"
            evidence.append(EvidenceRow(type_, keys[0], keys[1], mode if type_ == "ROUTE"
                                        else "", (), doc_id, 0, "s.", published))
    loaded(neo4j_module_store, GraphBatch(documents=tuple(rows), mentions=tuple(mentions),
                                          evidence=tuple(evidence), high_water_mark=1))
    since, until = sorted((on(a), on(b)))
    fast, slow = both_reports(neo4j_module_store, since, until, listed)
    assert fast == slow


def hub_batch(shifted: int = 0) -> GraphBatch:
    """A hub named by two relevant documents a day for 30 days (and by an off-topic one
    on the last), a place named by three, each document naming a person of its own; the
    hub's mentions of ``shifted`` documents before the last days are dated on the last
    day, as if the days' counts and the documents' dates disagreed."""
    def on(offset: int) -> str:
        return (date(2026, 6, 1) + timedelta(days=offset)).isoformat()

    rows, mentions = [], []
    for number in range(60):
        doc_id, published = f"h{number:02d}", on(number // 2)
        rows.append(DocumentRow(id=doc_id, title=doc_id, url=f"https://x/{doc_id}",
                                source="s", published=published, relevant=True))
        moved = 52 - shifted <= number < 52
        mentions += [MentionRow(doc_id, "PLATFORM:Hub", 1, on(29) if moved else published),
                     MentionRow(doc_id, f"PERSON:P{number}", 1, published)]
        if number % 20 == 0:
            mentions.append(MentionRow(doc_id, "LOCATION:Rare", 1, published))
    rows.append(DocumentRow(id="off", title="off", url="https://x/off", source="s",
                            published=on(29), relevant=False))
    mentions.append(MentionRow("off", "PLATFORM:Hub", 1, on(29)))
    return GraphBatch(documents=tuple(rows), mentions=tuple(mentions), high_water_mark=1)


def listings(facts, since: str, until: str) -> dict:
    keys = ["PLATFORM:Hub", "LOCATION:Rare", "PERSON:P59", "PERSON:nobody"]
    return {(newest, n): facts.entity_documents(keys, since, until, newest, n)
            for newest in (True, False) for n in (1, 3, 25, 0)}


@pytest.mark.parametrize("since, until", [("2026-06-01", "2026-06-30"),
                                          ("2026-06-20", "2026-06-28")])
def test_a_hub_s_first_documents_are_those_the_protocol_lists(neo4j_module_store, since, until):
    # The hub's newest 1 or 3 lie on its last days, where few documents were published:
    # they are found among those documents; its 25, and the rare place's, from its mentions.
    loaded(neo4j_module_store, hub_batch())
    assert listings(Neo4jTrendFacts(neo4j_module_store), since, until) == listings(
        ProtocolTrendFacts(neo4j_module_store), since, until)


def test_the_cut_listing_alone_gives_a_hub_s_first_documents(neo4j_module_store):
    # Without the fall-back to the whole window that would hide a wrong cut.
    loaded(neo4j_module_store, hub_batch())
    keys = ["PLATFORM:Hub", "LOCATION:Rare"]
    for newest in (True, False):
        for n in (1, 3, 25):
            params = {"keys": keys, "since": "2026-06-01", "until": "2026-06-30",
                      "limit": n, "cut": True}
            listed = neo4j_module_store._run("listing", _collected, _first_documents(newest),
                                             params)
            expected = ProtocolTrendFacts(neo4j_module_store).entity_documents(
                keys, "2026-06-01", "2026-06-30", newest, n)
            assert ({key: sorted(row[1] for row in listed if row[0] == key) for key in keys}
                    == {key: sorted(d.id for d in docs)
                        for key, (_, docs) in expected.items()}), (newest, n)


def test_a_hub_s_first_documents_when_its_days_disagree_with_its_documents(neo4j_module_store):
    # Six mentions dated on the last day put the hub's newest three there by its days;
    # the documents published then are too few, so it is listed from the whole window.
    loaded(neo4j_module_store, hub_batch(shifted=6))
    fast = listings(Neo4jTrendFacts(neo4j_module_store), "2026-06-01", "2026-06-30")
    slow = listings(ProtocolTrendFacts(neo4j_module_store), "2026-06-01", "2026-06-30")
    assert ({k: {key: docs for key, (_, docs) in found.items()} for k, found in fast.items()}
            == {k: {key: docs for key, (_, docs) in found.items()}
                for k, found in slow.items()})
    assert [d.id for d in fast[(True, 3)]["PLATFORM:Hub"][1]] == ["h59", "h58", "h57"]
