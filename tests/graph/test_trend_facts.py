"""The embedded store's aggregates answer the trends report's questions exactly
as the protocol-only path does, and its per-day counts survive rewrites,
removals, a clear and an older store without them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_trends import (  # noqa: E402
    SINCE,
    UNTIL,
    build_corpus,
    corridor_corpus,
    day,
)

from graph.embedded import EmbeddedGraphStore, EmbeddedTrendFacts  # noqa: E402
from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow  # noqa: E402
from graph.trends import LISTED, ProtocolTrendFacts, TrendSettings, trends_report  # noqa: E402,E501


def both_reports(store, since: str | None, until: str | None, listed: int = LISTED):
    """The report through the store's own facts (any backend), and through the protocol
    alone."""
    chosen = TrendSettings(listed=listed)
    fast = trends_report(store, None, since, until, settings=chosen)
    slow = trends_report(_ProtocolOnly(store), None, since, until, settings=chosen)
    return fast, slow


class _ProtocolOnly:
    """The same store seen through the GraphStore protocol only (no trend_facts)."""

    def __init__(self, store: EmbeddedGraphStore) -> None:
        self._store = store
        self.backend = store.backend

    def __getattr__(self, name: str):
        if name == "trend_facts":
            raise AttributeError(name)
        return getattr(self._store, name)


def test_protocol_only_view_has_no_trend_facts(tmp_path):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        assert isinstance(trends_report.__globals__["trend_facts"](_ProtocolOnly(store)),
                          ProtocolTrendFacts)


@pytest.mark.parametrize("window", [(SINCE, UNTIL), (day(8, 0), UNTIL), (day(9, 0), UNTIL),
                                    ("2026-07-13", UNTIL), (None, None), (day(3, 2), day(7, 4))])
def test_aggregates_give_the_report_the_protocol_gives(tmp_path, window):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(build_corpus().batch())
        fast, slow = both_reports(store, *window)
        assert fast == slow


def test_aggregates_give_the_corridor_report_the_protocol_gives(tmp_path):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(corridor_corpus().batch())
        fast, slow = both_reports(store, day(8, 0), UNTIL)
        assert fast == slow and fast.mode_changes


def _route_documents(routes: list[tuple[str, str, str, str]]) -> GraphBatch:
    """One relevant document per (date, origin, destination, mode) route."""
    rows, evidence = [], []
    for number, (published, origin, destination, mode) in enumerate(routes):
        doc_id = f"r{number}"
        rows.append(DocumentRow(id=doc_id, title=doc_id, url=f"https://x/{doc_id}",
                                source="s", published=published, relevant=True))
        evidence.append(EvidenceRow("ROUTE", f"LOCATION:{origin}", f"LOCATION:{destination}",
                                    mode, (), doc_id, 0, "s.", published))
    return GraphBatch(documents=tuple(rows), evidence=tuple(evidence), high_water_mark=1)


# A -> B (no country) gains sea on 2026-06-10, a window's first day or the day before
# it; the Thailand -> Myanmar corridor gains air the next day.
WINDOW_EDGE_ROUTES = [
    ("2026-05-01", "A", "B", "land"),
    ("2026-06-10", "A", "B", "sea"),
    ("2026-05-01", "Mae Sot", "Myawaddy", "land"),
    ("2026-06-11", "Ranong", "Kawthaung", "air"),
]


def assert_mode_change_on_the_window_edge(store, since: str) -> None:
    """``store`` holds WINDOW_EDGE_ROUTES; shared with the Neo4j suite."""
    fast, slow = both_reports(store, since, "2026-06-30")
    assert fast == slow
    found = {(c.kind, c.mode, c.first_seen) for c in fast.mode_changes}
    assert (("route", "sea", "2026-06-10") in found) == (since == "2026-06-10")
    assert ("corridor", "air", "2026-06-11") in found


def assert_listing_keeps_the_best_documented_new_relations(store) -> None:
    """``store`` holds the corridor corpus; shared with the Neo4j suite."""
    fast, slow = both_reports(store, None, None, listed=1)
    whole, _ = both_reports(store, None, None)
    assert fast == slow
    assert fast.new_relation_count == whole.new_relation_count == len(whole.new_relations) > 1
    assert fast.new_relations == whole.new_relations[:1]
    assert any(str(whole.new_relation_count) in note for note in fast.notes)


@pytest.mark.parametrize("since", ["2026-06-10", "2026-06-11"])
def test_mode_first_reported_on_the_window_edge_is_a_change_both_ways(tmp_path, since):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(_route_documents(WINDOW_EDGE_ROUTES))
        assert_mode_change_on_the_window_edge(store, since)


def test_listing_keeps_the_best_documented_new_relations_and_counts_them_all(tmp_path):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(corridor_corpus().batch())
        assert_listing_keeps_the_best_documented_new_relations(store)


def test_listing_keeps_the_best_documented_first_seen_of_each_label_and_counts_them_all(
        tmp_path):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(build_corpus().batch())
        fast, slow = both_reports(store, SINCE, UNTIL, listed=1)
        whole, _ = both_reports(store, SINCE, UNTIL)
    assert fast == slow
    assert fast.first_seen_count == whole.first_seen_count == len(whole.first_seen)
    labels = {f.label for f in whole.first_seen}
    assert len(labels) > 1 and len(whole.first_seen) > len(labels)
    # The first of each label in the whole list (it is ordered best documented first).
    best = {}
    for item in whole.first_seen:
        best.setdefault(item.label, item)
    assert fast.first_seen == tuple(sorted(best.values(), key=whole.first_seen.index))
    assert any(str(whole.first_seen_count) in note for note in fast.notes)


def test_listing_keeps_the_strongest_bursts_and_counts_them_all(tmp_path):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(build_corpus().batch())
        fast, slow = both_reports(store, SINCE, UNTIL, listed=1)
        whole, _ = both_reports(store, SINCE, UNTIL)
    assert fast == slow
    assert fast.burst_count == whole.burst_count == len(whole.bursts) > 1
    assert fast.bursts == whole.bursts[:1]
    assert any(f"{whole.burst_count} bursts" in note for note in fast.notes)


@pytest.mark.parametrize("window", [(SINCE, UNTIL), (day(8, 0), UNTIL), (day(3, 2), day(7, 4))])
def test_theme_sample_is_read_as_the_protocol_reads_it(tmp_path, window):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(build_corpus().batch())
        fast, slow = store.trend_facts(), ProtocolTrendFacts(_ProtocolOnly(store))
        dated = fast.window_dates(*window)
        assert sorted(dated) == sorted(slow.window_dates(*window)) and dated
        ids = sorted(i for i, _ in dated)[::2][::-1]  # any subset, in any order
        assert fast.summaries(ids) == slow.summaries(ids)
        assert [d.id for d in fast.summaries(ids)] == ids


def _identity(edge) -> tuple:
    return (edge.type, edge.source, edge.target, edge.mode)


def answers(facts, types: tuple[str, ...], start: str, split: str, until: str) -> dict:
    """Every question the report asks, for one (start, split, until); edges reduced to
    what the report reads of them (the protocol's carry windowed figures besides).
    Shared with the Neo4j suite."""
    keys = [k for k, _ in sorted(facts.entity_counts(start, split, until).items())]
    keys += ["LOCATION:nowhere"]
    countries = {"LOCATION:Mae Sot": "Thailand", "LOCATION:Ranong": "Thailand",
                 "LOCATION:Myawaddy": "Myanmar", "LOCATION:Kawthaung": "Myanmar"}
    routes = facts.route_edges(until)
    counted = facts.relation_counts(types, start, split, until)
    changing, corridors = facts.mode_change_routes(start, until, countries)
    return {
        "relevant_days": [facts.relevant_days(start, until), facts.relevant_days(None, None)],
        "oldest": facts.oldest_relevant_day(),
        "day_counts": facts.day_counts(start, until),
        "entity_counts": facts.entity_counts(start, split, until),
        "relation_counts": [(_identity(e), e.first_seen, b, r) for e, b, r in counted],
        "first_seen": facts.first_seen(keys),
        "first_seen_in": facts.first_seen_in(start, until),
        "top": [facts.top_entities(start, until, n) for n in (1, 3, 50)],
        "entity_days": facts.entity_days(keys, start, until),
        "entity_documents": [facts.entity_documents(keys, split, until, newest, n)
                             for newest in (True, False) for n in (1, 25)],
        "edge_documents": [facts.edge_documents(routes + [e for e, _, _ in counted], start,
                                                until, n, newest_first=newest)
                           for newest in (True, False) for n in (1, 25)],
        "with_evidence": facts.with_evidence(routes, until),
        "routes": [(_identity(e), e.first_seen) for e in routes],
        "located_in": [(_identity(e), e.weight) for e in facts.located_in(until)],
        "route_ends": facts.route_ends(until),
        # The protocol offers every named route and any corridor; the server a subset
        # that must hold every change (the reports' equality checks that part).
        "changing": {_identity(e) for e in changing} <= {
            _identity(e) for e in routes if e.mode not in ("", "unknown")},
        "corridors": corridors,
        "pairs": [(_identity(e), e.first_seen) for e in facts.pair_edges(
            [(e.type, e.source, e.target) for e in routes], until)],
        "new_pairs": [facts.new_relation_pairs(types, start, until, n) for n in (1, 200)],
        "window": sorted(facts.window_dates(start, until)),
        "summaries": facts.summaries(sorted(i for i, _ in facts.window_dates(start, until))),
    }


def with_edge_cases(corpus):
    """The corpus with an off-topic document older than all the rest, and a place
    placed again after some windows end (its weight then counts up to their end).
    Shared with the Neo4j suite."""
    corpus.add("old-off-topic", "2026-05-01", ("LOCATION:Mae Sot",), relevant=False)
    late = corpus.add("placed-again", day(10, 0), ("LOCATION:Mae Sot", "LOCATION:Thailand"))
    corpus.relate("LOCATED_IN", "LOCATION:Mae Sot", "LOCATION:Thailand", late, day(10, 0))
    return corpus


# (start, split, until) periods: the whole corpus split in two, a later start, a period
# ending before the corpus does, and one single day.
PERIODS = [(SINCE, day(7, 0), UNTIL), (day(2, 0), day(9, 5), UNTIL),
           (day(3, 3), day(6, 3), day(9, 4)), (day(9, 1), day(9, 1), day(9, 1))]


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("corpus", [build_corpus, corridor_corpus])
def test_each_answer_is_the_protocol_answer(tmp_path, corpus, period):
    # Whole reports agreeing can hide an answer that differs where the report does not look.
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(with_edge_cases(corpus()).batch())
        facts = store.trend_facts()
        assert isinstance(facts, EmbeddedTrendFacts)
        types = tuple(TrendSettings().relation_types)
        fast = answers(facts, types, *period)
        slow = answers(ProtocolTrendFacts(store), types, *period)
    assert fast.pop("corridors") is not None and slow.pop("corridors") is None
    assert fast == slow


def _trend_days(store: EmbeddedGraphStore) -> list[tuple]:
    """Every derived day table, whole."""
    return [
        store._query("SELECT kind, key, day, n FROM trend_days ORDER BY kind, key, day"),
        store._query("SELECT date, entity, mentions, documents FROM entity_days ORDER BY 1, 2"),
        store._query("SELECT d.date, e.type, e.source, e.target, e.mode, d.n, d.documents, "
                     "d.type FROM edge_days d JOIN edges e ON e.id = d.edge_id "
                     "ORDER BY 1, 2, 3, 4, 5"),
    ]


def _recount(path: Path) -> list[list[tuple]]:
    """The day tables worked out afresh from the tables, as for a store written before
    them (whose meta has no 'derived', or an older one)."""
    db = sqlite3.connect(path)
    for table in ("trend_days", "entity_days", "edge_days"):
        db.execute(f"DELETE FROM {table}")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'derived'")
    db.commit()
    db.close()
    with EmbeddedGraphStore(path) as store:
        return _trend_days(store)


def test_per_day_counts_follow_rewrites_and_match_a_fresh_count(tmp_path):
    path = tmp_path / "graph.sqlite"
    corpus = build_corpus()
    with EmbeddedGraphStore(path) as store:
        store.upsert(corpus.batch())
        store.upsert(corpus.batch())  # the same batch again changes nothing
        # One document rewritten as off-topic, another moved a week later.
        store.upsert(GraphBatch(documents=(DocumentRow(
            id="jump-9-0", title="t", url="u", source="s", published=day(9, 0),
            relevant=False),), high_water_mark=2))
        store.upsert(GraphBatch(
            documents=(DocumentRow(id="sea-9", title="t", url="u", source="s",
                                   published=day(10, 1), relevant=True),),
            mentions=(MentionRow("sea-9", "LOCATION:Bangkok", 1, day(10, 1)),),
            evidence=(EvidenceRow("ROUTE", "LOCATION:Bangkok", "LOCATION:Payathonzu", "sea",
                                  (), "sea-9", 0, "By sea.", day(10, 1)),),
            high_water_mark=3))
        kept = _trend_days(store)
    assert ("documents", "", day(10, 1), 1 + sum(
        1 for d in corpus.documents if d.relevant and d.published == day(10, 1))) in kept[0]
    assert (day(10, 1), "ROUTE", "LOCATION:Bangkok", "LOCATION:Payathonzu", "sea", 1, 1,
            "ROUTE") in kept[2]
    assert all(row[1] == row[7] for row in kept[2])  # each day row bears its edge's type
    assert not any(row[1] == "jump-9-0" for row in kept[1])
    assert kept == _recount(path)


def test_clear_empties_the_per_day_counts(tmp_path):
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(build_corpus().batch())
        store.clear()
        assert _trend_days(store) == [[], [], []]


def test_store_written_before_per_day_counts_gets_them_on_open(tmp_path):
    path = tmp_path / "graph.sqlite"
    with EmbeddedGraphStore(path) as store:
        store.upsert(build_corpus().batch())
        written, version = _trend_days(store), store._version()
    assert all(written) and _recount(path) == written
    with EmbeddedGraphStore(path) as store:
        assert store._version() == version  # filling derived rows is no new data


def test_store_with_an_older_layout_of_the_day_tables_gets_them_anew_on_open(tmp_path):
    path = tmp_path / "graph.sqlite"
    with EmbeddedGraphStore(path) as store:
        store.upsert(build_corpus().batch())
        written = _trend_days(store)
    # The layout derived version 3 wrote: edge days without the edge's type.
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE edge_days; CREATE TABLE edge_days (date TEXT NOT NULL, edge_id INTEGER "
        "NOT NULL, n INTEGER NOT NULL, documents INTEGER NOT NULL, PRIMARY KEY (date, "
        "edge_id)) WITHOUT ROWID; UPDATE meta SET value = '3' WHERE key = 'derived';")
    db.close()
    with EmbeddedGraphStore(path) as store:
        assert _trend_days(store) == written
        assert store._query("SELECT value FROM meta WHERE key = 'derived'") != [("3",)]


# Mae Sot and Ranong are in Thailand, Myawaddy and Kawthaung in Myanmar (the offline
# city table), so routes between them form corridors; A and B have no country.
KEYS = ["LOCATION:A", "LOCATION:B", "LOCATION:Mae Sot", "LOCATION:Ranong",
        "LOCATION:Myawaddy", "LOCATION:Kawthaung", "PLATFORM:C", "RECRUITER:D"]
documents_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 20), st.booleans(),
              st.lists(st.sampled_from(KEYS), min_size=0, max_size=3, unique=True),
              st.sampled_from(["sea", "land", "air", "", "unknown"])),
    min_size=1, max_size=40)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents_strategy, st.integers(0, 20), st.integers(0, 20), st.integers(1, 3))
def test_any_corpus_gives_the_same_report_both_ways(tmp_path_factory, docs, a, b, listed):
    base = "2026-06-01"
    from datetime import date, timedelta

    def on(offset: int) -> str:
        return (date.fromisoformat(base) + timedelta(days=offset * 3)).isoformat()

    rows, mentions, evidence = [], [], []
    for number, (doc, offset, relevant, keys, mode) in enumerate(docs):
        doc_id = f"d{doc}-{number}"
        published = on(offset)
        rows.append(DocumentRow(id=doc_id, title=doc_id, url=f"https://x/{doc_id}", source="s",
                                published=published, relevant=relevant))
        for key in keys:
            mentions.append(MentionRow(doc_id, key, 1, published))
        if len(keys) >= 2:
            type_ = "ROUTE" if keys[1].startswith("LOCATION") else "OPERATES_IN"
            evidence.append(EvidenceRow(type_, keys[0], keys[1], mode if type_ == "ROUTE"
                                        else "", (), doc_id, 0, "s.", published))
    path = tmp_path_factory.mktemp("facts") / "graph.sqlite"
    with EmbeddedGraphStore(path) as store:
        store.upsert(GraphBatch(documents=tuple(rows), mentions=tuple(mentions),
                                evidence=tuple(evidence), high_water_mark=1))
        since, until = sorted((on(a), on(b)))
        fast, slow = both_reports(store, since, until, listed)
        assert fast == slow


@pytest.mark.parametrize("statement", ["_TREND_DAYS", "_ENTITY_DAYS", "_EDGE_DAYS"])
def test_per_day_counts_of_a_batch_read_only_its_documents_rows(tmp_path, statement):
    # A scan here made every upsert read the whole store: builds slowed as the store grew.
    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(build_corpus().batch())
        sql = getattr(EmbeddedGraphStore, statement).format(
            docs="IN (SELECT value FROM json_each(?))")
        plan = [row[3] for row in store._db.execute(
            f"EXPLAIN QUERY PLAN {sql}", ('["d1"]',) * sql.count("json_each"))]
    scans = [step for step in plan if step.startswith("SCAN")
             and not step.startswith(("SCAN json_each", "SCAN p"))]
    assert scans == [], plan
