"""Neo4j's per-day rollups (EntityDay, EdgeDay, TrendDay) always equal what the
stored mentions and evidence add up to: after a document is written again
changed, after clear, and in a database written before them, which gets them
once when opened."""

from __future__ import annotations

import pytest
from graph_world import (
    D1,
    D2,
    D4,
    D5,
    DKBA,
    KK_PARK,
    MYANMAR,
    MYAWADDY,
    UNODC,
    WORLD,
    doc,
    ev,
    mention,
)
from neo4j_server import PASSWORD

from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow
from graph.neo4j_store import (
    META,
    ROLLUP_VERSION,
    DayRollups,
    Neo4jGraphStore,
    _stored_contribution,
    day_rollups,
)

pytestmark = pytest.mark.neo4j


def stored_rollups(store: Neo4jGraphStore) -> DayRollups:
    """The rollup nodes as they are in the database."""
    def read(tx):
        entities = {(r[0], r[1]): (r[2], r[3]) for r in tx.run(
            "MATCH (x:EntityDay) RETURN x.entity, x.date, x.mentions, x.documents")}
        edges = {(r[0], r[1]): (r[2], r[3]) for r in tx.run(
            "MATCH (x:EdgeDay) RETURN x.edge, x.date, x.type, x.n")}
        trends = {(r[0], r[1], r[2]): r[3] for r in tx.run(
            "MATCH (x:TrendDay) RETURN x.kind, x.key, x.day, x.n")}
        return DayRollups(entities, edges, trends)

    return store._run("reading the rollups", read)


def recomputed_rollups(store: Neo4jGraphStore) -> DayRollups:
    """What every stored document's mentions and evidence add up to."""
    def read(tx):
        ids = [r[0] for r in tx.run("MATCH (d:Document) RETURN d.id")]
        return day_rollups(*_stored_contribution(tx, ids))

    return store._run("recomputing the rollups", read)


def rollup_nodes(store: Neo4jGraphStore) -> int:
    return store._run("counting the rollups", lambda tx: tx.run(
        "MATCH (x) WHERE x:EntityDay OR x:EdgeDay OR x:TrendDay RETURN count(x)").single()[0])


def test_writing_the_world_gives_the_rollups_its_rows_add_up_to(neo4j_store):
    neo4j_store.upsert(WORLD)
    rollups = stored_rollups(neo4j_store)
    assert rollups == recomputed_rollups(neo4j_store)
    # Myanmar: once in d1 (2024-01-10), once in d2, twice in d5; off-topic d3 adds nothing.
    assert rollups.entities[(MYANMAR, "2024-01-10")] == (1, 1)
    assert rollups.entities[(MYANMAR, "2024-03-31")] == (2, 1)
    assert ("documents", "", "2024-02-20") not in rollups.trends  # d3 is off-topic
    assert rollups.trends[("documents", "", "2024-01-10")] == 1


def test_rewriting_a_changed_document_moves_its_days_and_drops_the_emptied_ones(neo4j_store):
    neo4j_store.upsert(WORLD)
    # d1 again, a month later, naming Myanmar only and with one new relation.
    moved = DocumentRow(id=D1, title="Raid revisited", url="u", source="s",
                        published="2024-02-10", relevant=True)
    neo4j_store.upsert(GraphBatch(
        documents=(moved,),
        mentions=(MentionRow(D1, MYANMAR, 5, "2024-02-10"),
                  MentionRow(D1, DKBA, 1, "2024-02-10")),
        evidence=(EvidenceRow("OPERATES_IN", DKBA, MYANMAR, "", (), D1, 0, "s", "2024-02-10"),),
    ))
    rollups = stored_rollups(neo4j_store)
    assert rollups == recomputed_rollups(neo4j_store)
    assert (KK_PARK, "2024-01-10") not in rollups.entities
    assert (MYANMAR, "2024-01-10") not in rollups.entities
    assert rollups.entities[(MYANMAR, "2024-02-10")] == (5, 1)
    assert not [key for key in rollups.edges if key[1] == "2024-01-10"]
    assert not [key for key in rollups.trends if key[2] == "2024-01-10"]
    # The window queries read the rollups: January is empty now, February has d1.
    assert neo4j_store.top_entities("LOCATION", since="2024-01-01", until="2024-01-31") == []
    overview = neo4j_store.overview(since="2024-01-01", until="2024-01-31")
    assert (overview.entities, overview.relations) == (0, 0)
    [top] = neo4j_store.top_entities("LOCATION", since="2024-02-01", until="2024-02-10", limit=1)
    assert (top.key, top.mentions, top.documents) == (MYANMAR, 5, 1)


def test_a_document_turning_off_topic_takes_its_days_away(neo4j_store):
    neo4j_store.upsert(WORLD)
    before = stored_rollups(neo4j_store)
    neo4j_store.upsert(GraphBatch(
        documents=(doc(D5, "UNODC report", "UNODC", relevant=False),),
        mentions=(mention(D5, MYANMAR),)))
    rollups = stored_rollups(neo4j_store)
    assert rollups == recomputed_rollups(neo4j_store)
    assert (MYANMAR, "2024-03-31") in before.entities
    assert not [key for key in rollups.entities if key[1] == "2024-03-31"]
    assert ("documents", "", "2024-03-31") not in rollups.trends
    assert neo4j_store.trend_facts().relevant_days("2024-03-01", "2024-03-31") == [
        ("2024-03-05", 1)]


def test_writing_the_same_batch_again_leaves_the_rollups_as_they_were(neo4j_store):
    neo4j_store.upsert(WORLD)
    before = stored_rollups(neo4j_store)
    neo4j_store.upsert(WORLD)
    assert stored_rollups(neo4j_store) == before


def test_one_of_two_documents_on_a_day_rewritten_keeps_the_other_s_share(neo4j_store):
    neo4j_store.upsert(WORLD)
    twin = GraphBatch(documents=(DocumentRow(id="d4b", title="t", url="u", source="s",
                                             published="2024-03-05", relevant=True),),
                      mentions=(MentionRow("d4b", MYAWADDY, 2, "2024-03-05"),))
    neo4j_store.upsert(twin)
    assert stored_rollups(neo4j_store).entities[(MYAWADDY, "2024-03-05")] == (3, 2)
    neo4j_store.upsert(GraphBatch(documents=(doc(D4, "Trafficked", "Frontier"),),
                                  mentions=(mention(D4, MYAWADDY, 4),),
                                  evidence=(ev("LOCATED_IN", KK_PARK, MYAWADDY, D4, 0, "s"),)))
    rollups = stored_rollups(neo4j_store)
    assert rollups == recomputed_rollups(neo4j_store)
    assert rollups.entities[(MYAWADDY, "2024-03-05")] == (6, 2)


def test_clear_removes_every_rollup(neo4j_store):
    neo4j_store.upsert(WORLD)
    assert rollup_nodes(neo4j_store) > 0
    neo4j_store.clear()
    assert rollup_nodes(neo4j_store) == 0
    neo4j_store.upsert(GraphBatch(documents=(doc(D2, "t", "s"),),
                                  mentions=(mention(D2, MYANMAR),)))
    assert stored_rollups(neo4j_store) == recomputed_rollups(neo4j_store)
    assert neo4j_store.overview(since="2024-01-01", until="2024-12-31").entities == 1


def unset_rollups(store: Neo4jGraphStore, keep_some: bool) -> None:
    """Make the database look written by a scamtrace before the rollups: no version on
    the meta node, and (``keep_some``) stale days left by a fill cut short."""
    def work(tx):
        tx.run("MATCH (m:GraphMeta {name: $name}) REMOVE m.rollups", name=META)
        tx.run("MATCH (x) WHERE x:EntityDay OR x:EdgeDay OR x:TrendDay DELETE x")
        if keep_some:
            tx.run("CREATE (:EntityDay {entity: $key, label: 'LOCATION', date: '2024-01-10', "
                   "mentions: 40, documents: 9})", key=MYANMAR)

    store._run("unsetting the rollups", work, write=True)


@pytest.mark.parametrize("keep_some", [False, True], ids=["none", "stale"])
def test_a_database_written_before_the_rollups_gets_them_once_when_opened(neo4j_uri,
                                                                         neo4j_store,
                                                                         keep_some):
    neo4j_store.upsert(WORLD)
    expected = stored_rollups(neo4j_store)
    unset_rollups(neo4j_store, keep_some)
    assert stored_rollups(neo4j_store) != expected
    with Neo4jGraphStore(uri=neo4j_uri, user="neo4j", password=PASSWORD) as reopened:
        assert stored_rollups(reopened) == expected
        version = reopened._run("rollup version", lambda tx: tx.run(
            "MATCH (m:GraphMeta {name: $name}) RETURN m.rollups", name=META).single()[0])
        assert version == ROLLUP_VERSION
        [top] = reopened.top_entities("LOCATION", since="2024-01-01", until="2024-01-31",
                                      limit=1)
        assert (top.key, top.mentions) == (KK_PARK, 3)


def test_trend_day_counts_follow_a_rewritten_document(neo4j_store):
    neo4j_store.upsert(WORLD)
    facts = neo4j_store.trend_facts()
    labels, relations = facts.day_counts("2024-03-01", "2024-03-31")
    assert labels["LOCATION"]["2024-03-31"] == 2  # d5: Myanmar, Cambodia
    neo4j_store.upsert(GraphBatch(documents=(doc(D5, "UNODC report", "UNODC"),),
                                  mentions=(mention(D5, UNODC),)))
    labels, relations = facts.day_counts("2024-03-01", "2024-03-31")
    assert labels["LOCATION"]["2024-03-31"] == 0
    assert labels["ORG"]["2024-03-31"] == 1
    assert not any(day == "2024-03-31" for counts in relations.values() for day in counts)
    assert facts.entity_counts("2024-01-01", "2024-03-01", "2024-03-31").get(MYANMAR) is None
    assert stored_rollups(neo4j_store) == recomputed_rollups(neo4j_store)
