"""The GraphStore query suite, run against every backend in ``BACKENDS``.

Expected values are worked out by hand from ``graph_world.WORLD``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from graph_world import (
    AGENT,
    CAMBODIA,
    D1,
    D2,
    D4,
    D5,
    DKBA,
    FACEBOOK,
    KK_PARK,
    LAOS,
    MAE_SOT,
    MYANMAR,
    MYAWADDY,
    S_CROSS,
    S_DENY,
    S_HOLD,
    S_RAID,
    S_SENT,
    S_STATE,
    SCAM,
    THAILAND,
    TIP,
    UNODC,
    WORLD,
    doc,
    ev,
    mention,
)

from graph.model import (
    DocumentRow,
    EntityNode,
    Evidence,
    EvidenceRow,
    GraphBatch,
    GraphStore,
    MentionRow,
)


def keys(nodes) -> list[str]:
    return [n.key for n in nodes]


def edge_ids(edges) -> list[tuple[str, str, str, str]]:
    return [(e.type, e.source, e.target, e.mode) for e in edges]


def ids(documents) -> list[str]:
    return [d.id for d in documents]


ALL_EDGES = [
    ("CO_OCCURS", CAMBODIA, MYANMAR, ""),
    ("CO_OCCURS", KK_PARK, MYAWADDY, ""),
    ("CO_OCCURS", KK_PARK, DKBA, ""),
    ("CO_OCCURS", MAE_SOT, MYAWADDY, ""),
    ("CO_OCCURS", MAE_SOT, THAILAND, ""),
    ("CO_OCCURS", MYANMAR, MYAWADDY, ""),
    ("CO_OCCURS", MYANMAR, UNODC, ""),
    ("CO_OCCURS", MYANMAR, FACEBOOK, ""),
    ("LOCATED_IN", KK_PARK, MYAWADDY, ""),
    ("LOCATED_IN", MYAWADDY, MYANMAR, ""),
    ("OPERATES_IN", UNODC, CAMBODIA, ""),
    ("OPERATES_IN", DKBA, KK_PARK, ""),
    ("RECRUITS_VIA", AGENT, FACEBOOK, ""),
    ("ROUTE", MAE_SOT, MYAWADDY, "land"),
]


# -- counts and entities -------------------------------------------------------
def test_empty_store_counts_nothing(graph_store: GraphStore):
    assert graph_store.counts() == {
        "documents": 0, "relevant_documents": 0, "entities": {}, "relations": {}}
    assert graph_store.high_water_mark() == 0


def test_counts_keep_off_topic_documents_but_not_their_entities(world: GraphStore):
    assert world.counts() == {
        "documents": 5,
        "relevant_documents": 4,
        "entities": {"CRIME": 2, "LOCATION": 6, "ORG": 1, "PLATFORM": 1, "RECRUITER": 2},
        "relations": {"CO_OCCURS": 8, "LOCATED_IN": 2, "OPERATES_IN": 2, "RECRUITS_VIA": 1,
                      "ROUTE": 1},
    }


def test_entity_has_all_time_figures_over_relevant_documents(world: GraphStore):
    # Thailand's off-topic mention (d3, 2024-02-20) does not count.
    assert world.entity(THAILAND) == EntityNode(
        key=THAILAND, label="LOCATION", name="Thailand", mentions=1, documents=1,
        first_seen="2024-03-05", last_seen="2024-03-05")
    assert world.entity(MYANMAR) == EntityNode(
        key=MYANMAR, label="LOCATION", name="Myanmar", mentions=4, documents=3,
        first_seen="2024-01-10", last_seen="2024-03-31", aliases=("Burma",))


def test_entity_keeps_coordinates_given_by_the_batch(world: GraphStore):
    node = world.entity(MAE_SOT)
    assert (node.lat, node.lon) == (16.71, 98.57)


def test_entity_only_named_in_off_topic_documents_does_not_exist(world: GraphStore):
    assert world.entity(LAOS) is None
    assert world.entity("LOCATION:Atlantis") is None


def test_search_matches_name_substring_case_insensitively_by_mentions(world: GraphStore):
    assert keys(world.search_entities("MYA")) == [MYANMAR, MYAWADDY]


def test_search_matches_aliases(world: GraphStore):
    assert keys(world.search_entities("burma")) == [MYANMAR]
    assert keys(world.search_entities("k.k. park")) == [KK_PARK]


def test_search_filters_by_label_and_breaks_ties_by_key(world: GraphStore):
    assert keys(world.search_entities("a", label="RECRUITER")) == [DKBA, AGENT]


def test_search_respects_limit(world: GraphStore):
    assert keys(world.search_entities("a", label="LOCATION", limit=2)) == [MYANMAR, KK_PARK]


def test_search_puts_exact_name_matches_first(graph_store: GraphStore):
    district = "LOCATION:Mae Sot District"
    graph_store.upsert(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        mentions=(mention(D1, district, 5), mention(D1, MAE_SOT, 1)),
    ))
    assert keys(graph_store.search_entities("mae sot")) == [MAE_SOT, district]
    assert keys(graph_store.search_entities("mae")) == [district, MAE_SOT]


# -- entity profile ------------------------------------------------------------
def test_profile_of_unknown_entity_is_none(world: GraphStore):
    assert world.entity_profile(LAOS) is None


def test_profile_lists_monthly_mentions_neighbours_and_documents(world: GraphStore):
    profile = world.entity_profile(MYAWADDY)
    assert profile.entity == world.entity(MYAWADDY)
    assert profile.mentions_by_month == (("2024-01", 2), ("2024-03", 1))
    # all weight 1: by neighbour key, then edge type
    assert [(n.key, e.type) for n, e in profile.neighbours] == [
        (KK_PARK, "CO_OCCURS"), (KK_PARK, "LOCATED_IN"),
        (MAE_SOT, "CO_OCCURS"), (MAE_SOT, "ROUTE"),
        (MYANMAR, "CO_OCCURS"), (MYANMAR, "LOCATED_IN"),
    ]
    assert ids(profile.documents) == [D4, D1]


def test_profile_neighbours_are_ordered_by_weight_then_key_and_limited(world: GraphStore):
    profile = world.entity_profile(MYANMAR, neighbour_limit=3)
    assert [(n.key, e.type, e.weight) for n, e in profile.neighbours] == [
        (CAMBODIA, "CO_OCCURS", 3), (MYAWADDY, "CO_OCCURS", 1), (MYAWADDY, "LOCATED_IN", 1)]


def test_profile_evidence_is_newest_first_and_limited(world: GraphStore):
    profile = world.entity_profile(MYANMAR, neighbour_limit=1, evidence_limit=2)
    (_, edge), = profile.neighbours
    assert [(e.doc_id, e.sentence) for e in edge.evidence] == [(D5, S_HOLD), (D5, S_DENY)]
    assert edge.evidence[0] == Evidence(
        doc_id=D5, sentence=S_HOLD, date="2024-03-31", title="UNODC report on scam centres",
        url="https://example.org/d5", source="UNODC")


def test_profile_in_a_window_counts_only_that_window(world: GraphStore):
    profile = world.entity_profile(MYANMAR, since="2024-03-01")
    assert (profile.entity.mentions, profile.entity.documents) == (2, 1)
    assert (profile.entity.first_seen, profile.entity.last_seen) == ("2024-03-31", "2024-03-31")
    assert profile.mentions_by_month == (("2024-03", 2),)
    (cambodia, edge), (unodc, _) = profile.neighbours
    assert (cambodia.key, cambodia.mentions) == (CAMBODIA, 1)
    assert (edge.weight, edge.first_seen, edge.last_seen) == (2, "2024-03-31", "2024-03-31")
    assert unodc.key == UNODC
    assert ids(profile.documents) == [D5]


def test_profile_of_entity_silent_in_the_window_has_zero_figures(world: GraphStore):
    profile = world.entity_profile(KK_PARK, since="2024-02-01")
    assert (profile.entity.mentions, profile.entity.documents) == (0, 0)
    assert (profile.mentions_by_month, profile.neighbours, profile.documents) == ((), (), ())


# -- neighbourhood -------------------------------------------------------------
def test_neighbourhood_orders_centre_then_mentions_and_keeps_edges_between_nodes(
        world: GraphStore):
    sub = world.neighbourhood(MYAWADDY)
    assert keys(sub.nodes) == [MYAWADDY, MYANMAR, KK_PARK, MAE_SOT]
    assert edge_ids(sub.edges) == [
        ("CO_OCCURS", KK_PARK, MYAWADDY, ""),
        ("CO_OCCURS", MAE_SOT, MYAWADDY, ""),
        ("CO_OCCURS", MYANMAR, MYAWADDY, ""),
        ("LOCATED_IN", KK_PARK, MYAWADDY, ""),
        ("LOCATED_IN", MYAWADDY, MYANMAR, ""),
        ("ROUTE", MAE_SOT, MYAWADDY, "land"),
    ]
    assert [[ev.sentence for ev in e.evidence] for e in sub.edges] == [
        [S_RAID], [S_CROSS], [S_STATE], [S_RAID], [S_STATE], [S_CROSS]]


def test_neighbourhood_edges_carry_their_newest_evidence_in_the_window(world: GraphStore):
    sub = world.neighbourhood(MYANMAR, labels=("LOCATION",))
    (edge,) = [e for e in sub.edges if e.source == CAMBODIA]
    assert (edge.weight, [ev.sentence for ev in edge.evidence]) == (3, [S_HOLD])
    sub = world.neighbourhood(MYANMAR, labels=("LOCATION",), until="2024-02-28")
    (edge,) = [e for e in sub.edges if e.source == CAMBODIA]
    assert (edge.weight, [ev.sentence for ev in edge.evidence]) == (1, [S_SENT])


def test_neighbourhood_at_depth_two_enters_only_the_labels_asked(world: GraphStore):
    sub = world.neighbourhood(MYAWADDY, depth=2, labels=("LOCATION",))
    assert keys(sub.nodes) == [MYAWADDY, MYANMAR, KK_PARK, MAE_SOT, CAMBODIA, THAILAND]


def test_neighbourhood_keeps_the_centre_whatever_the_labels(world: GraphStore):
    sub = world.neighbourhood(DKBA, labels=("LOCATION",))
    assert keys(sub.nodes) == [DKBA, KK_PARK]
    assert edge_ids(sub.edges) == [("CO_OCCURS", KK_PARK, DKBA, ""),
                                   ("OPERATES_IN", DKBA, KK_PARK, "")]


def test_neighbourhood_follows_only_edges_seen_in_the_window(world: GraphStore):
    sub = world.neighbourhood(MYAWADDY, until="2024-01-31")
    assert keys(sub.nodes) == [MYAWADDY, KK_PARK, MYANMAR]  # Myanmar: 1 mention in January
    assert [n.mentions for n in sub.nodes] == [2, 3, 1]


def test_neighbourhood_respects_limit(world: GraphStore):
    sub = world.neighbourhood(MYAWADDY, limit=2)
    assert keys(sub.nodes) == [MYAWADDY, MYANMAR]
    assert edge_ids(sub.edges) == [("CO_OCCURS", MYANMAR, MYAWADDY, ""),
                                   ("LOCATED_IN", MYAWADDY, MYANMAR, "")]


def test_neighbourhood_of_unknown_entity_is_empty(world: GraphStore):
    sub = world.neighbourhood(LAOS)
    assert (sub.nodes, sub.edges) == ((), ())


def test_neighbourhood_of_isolated_entity_is_just_the_centre(world: GraphStore):
    sub = world.neighbourhood(SCAM, depth=3)
    assert keys(sub.nodes) == [SCAM]
    assert sub.edges == ()


# -- shortest path -------------------------------------------------------------
def test_shortest_path_gives_one_edge_per_hop_with_evidence(world: GraphStore):
    path = world.shortest_path(MAE_SOT, CAMBODIA)
    # per hop the strongest relation; ties (CO_OCCURS vs ROUTE, weight 1) by type
    assert edge_ids(path) == [
        ("CO_OCCURS", MAE_SOT, MYAWADDY, ""),
        ("CO_OCCURS", MYANMAR, MYAWADDY, ""),
        ("CO_OCCURS", CAMBODIA, MYANMAR, ""),
    ]
    assert [e.weight for e in path] == [1, 1, 3]
    assert [ev.sentence for ev in path[0].evidence] == [S_CROSS]
    assert [ev.sentence for ev in path[1].evidence] == [S_STATE]
    assert [ev.sentence for ev in path[2].evidence] == [S_HOLD, S_DENY, S_SENT]


def test_shortest_path_ignores_direction_but_edges_keep_theirs(world: GraphStore):
    path = world.shortest_path(MYANMAR, MAE_SOT)
    assert edge_ids(path) == [("CO_OCCURS", MYANMAR, MYAWADDY, ""),
                              ("CO_OCCURS", MAE_SOT, MYAWADDY, "")]


def test_shortest_path_longer_than_max_hops_is_empty(world: GraphStore):
    assert len(world.shortest_path(MAE_SOT, UNODC, max_hops=3)) == 3
    assert world.shortest_path(MAE_SOT, UNODC, max_hops=2) == []


def test_shortest_path_without_connection_is_empty(world: GraphStore):
    assert world.shortest_path(MAE_SOT, SCAM) == []
    assert world.shortest_path(MAE_SOT, LAOS) == []
    assert world.shortest_path(MAE_SOT, MAE_SOT) == []


def test_shortest_path_ties_go_to_the_smallest_key_sequence(graph_store: GraphStore):
    # Two 3-hop paths A-B-E-F and A-C-D-F: the first is smaller at its second key,
    # although the other is smaller at its third.
    a, b, c, d, e, f = (f"LOCATION:{x}" for x in "ABCDEF")
    rows = [(a, c), (c, d), (d, f), (a, b), (b, e), (e, f)]
    graph_store.upsert(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        mentions=tuple(mention(D1, k) for k in (a, b, c, d, e, f)),
        evidence=tuple(ev("CO_OCCURS", u, v, D1, i, f"s{i}") for i, (u, v) in enumerate(rows)),
    ))
    assert edge_ids(graph_store.shortest_path(a, f)) == [
        ("CO_OCCURS", a, b, ""), ("CO_OCCURS", b, e, ""), ("CO_OCCURS", e, f, "")]
    assert edge_ids(graph_store.shortest_path(f, a)) == [
        ("CO_OCCURS", d, f, ""), ("CO_OCCURS", c, d, ""), ("CO_OCCURS", a, c, "")]


# -- top entities --------------------------------------------------------------
def test_top_entities_rank_by_mentions_then_key(world: GraphStore):
    top = world.top_entities("LOCATION", limit=4)
    assert [(n.key, n.mentions) for n in top] == [
        (MYANMAR, 4), (KK_PARK, 3), (MYAWADDY, 3), (CAMBODIA, 2)]


def test_top_entities_count_only_mentions_in_the_window(world: GraphStore):
    top = world.top_entities("LOCATION", since="2024-02-01", until="2024-03-05")
    assert [(n.key, n.mentions) for n in top] == [
        (CAMBODIA, 1), (MAE_SOT, 1), (MYANMAR, 1), (MYAWADDY, 1), (THAILAND, 1)]


def test_window_ends_are_inclusive(world: GraphStore):
    top = world.top_entities("LOCATION", since="2024-03-05", until="2024-03-05")
    assert keys(top) == [MAE_SOT, MYAWADDY, THAILAND]
    assert all(n.first_seen == n.last_seen == "2024-03-05" for n in top)


def test_top_entities_of_a_label_absent_from_the_window_is_empty(world: GraphStore):
    assert world.top_entities("PLATFORM", since="2024-03-01") == []
    assert world.top_entities("PERSON") == []


# -- documents -----------------------------------------------------------------
def test_documents_are_newest_first(world: GraphStore):
    assert ids(world.documents()) == [D5, D4, "d3", D2, D1]


def test_documents_carry_their_sorted_entity_keys(world: GraphStore):
    by_id = {d.id: d for d in world.documents()}
    assert by_id[D1].entities == (KK_PARK, MYANMAR, MYAWADDY, DKBA)
    assert by_id["d3"].entities == ()
    assert by_id["d3"].relevant is False


def test_documents_filter_by_title_case_insensitively(world: GraphStore):
    assert ids(world.documents("MYAWADDY")) == [D4, D1]


def test_documents_filter_by_relevance_and_entity(world: GraphStore):
    assert ids(world.documents(relevant_only=True)) == [D5, D4, D2, D1]
    assert ids(world.documents(entity=CAMBODIA)) == [D5, D2]
    assert ids(world.documents(entity=THAILAND)) == [D4]


def test_documents_filter_by_inclusive_window(world: GraphStore):
    assert ids(world.documents(since="2024-02-15", until="2024-02-20")) == ["d3", D2]


def test_documents_page_with_limit_and_offset(world: GraphStore):
    assert ids(world.documents(limit=2, offset=1)) == [D4, "d3"]


# -- overview ------------------------------------------------------------------
def test_overview_of_all_time(world: GraphStore):
    o = world.overview(limit=3)
    assert (o.documents, o.relevant_documents, o.entities, o.relations) == (5, 4, 12, 14)
    assert ids(o.newest_documents) == [D5, D4, D2]
    assert keys(o.top_entities) == [MYANMAR, KK_PARK, MYAWADDY]
    assert keys(o.first_seen) == [SCAM, UNODC, TIP]


def test_overview_of_a_window(world: GraphStore):
    o = world.overview(since="2024-03-01", until="2024-03-31")
    assert (o.documents, o.relevant_documents, o.entities, o.relations) == (2, 2, 8, 6)
    assert ids(o.newest_documents) == [D5, D4]
    assert [(n.key, n.mentions) for n in o.top_entities] == [
        (MYANMAR, 2), (UNODC, 2), (SCAM, 1), (TIP, 1), (CAMBODIA, 1), (MAE_SOT, 1),
        (MYAWADDY, 1), (THAILAND, 1)]
    # Thailand's first relevant mention is in March; Cambodia's was in February.
    assert keys(o.first_seen) == [SCAM, UNODC, TIP, MAE_SOT, THAILAND]


# -- edges ---------------------------------------------------------------------
def test_edges_are_ordered_by_type_source_target_mode(world: GraphStore):
    assert edge_ids(world.edges()) == ALL_EDGES


def test_co_occurs_is_stored_with_source_before_target(world: GraphStore):
    assert all(e.source < e.target for e in world.edges(types=("CO_OCCURS",)))


def test_route_edge_keeps_mode_via_and_evidence(world: GraphStore):
    (route,) = world.edges(types=("ROUTE",))
    assert (route.mode, route.via, route.weight) == ("land", ("Moei River",), 1)
    assert route.evidence == (Evidence(
        doc_id=D4, sentence=S_CROSS, date="2024-03-05",
        title="Trafficked from Mae Sot into Myawaddy", url="https://example.org/d4",
        source="Frontier"),)


def test_route_with_unnamed_end_is_not_an_edge(world: GraphStore):
    assert all("LOCATION:" not in (e.source, e.target) for e in world.edges())
    assert world.entity("LOCATION:") is None


def test_edges_in_a_window_have_weight_and_evidence_of_that_window(world: GraphStore):
    (edge,) = [e for e in world.edges(since="2024-03-01") if e.target == MYANMAR
               and e.source == CAMBODIA]
    assert (edge.weight, edge.first_seen, edge.last_seen) == (2, "2024-03-31", "2024-03-31")
    assert [ev.sentence for ev in edge.evidence] == [S_HOLD, S_DENY]
    (all_time,) = [e for e in world.edges() if e.target == MYANMAR and e.source == CAMBODIA]
    assert (all_time.weight, all_time.first_seen) == (3, "2024-02-15")


def test_edges_with_an_evidence_limit_carry_their_newest_evidence_and_whole_figures(
        world: GraphStore):
    whole = world.edges()
    # Cambodia-Myanmar has two pieces on its newest day and one before: 3 reaches back.
    for since, limit in ((None, 1), ("2024-03-01", 1), (None, 2), (None, 3), ("2024-02-01", 3),
                         (None, 0)):
        cut = world.edges(since=since, evidence_limit=limit)
        assert cut == [replace(e, evidence=e.evidence[:limit])
                       for e in world.edges(since=since)]
    assert any(len(e.evidence) > 1 for e in whole)  # the limit cut something


def test_edges_with_a_limit_are_the_strongest_in_the_window_in_edge_order(world: GraphStore):
    for since in (None, "2024-03-01"):
        whole = world.edges(since=since, evidence_limit=1)
        strongest = sorted(whole, key=lambda e: (-e.weight, e.type, e.source, e.target, e.mode))
        assert len({e.weight for e in whole}) > 1  # the cut is by weight, not by order
        for limit in (0, 1, 3, len(whole), len(whole) + 1):
            cut = world.edges(since=since, evidence_limit=1, limit=limit)
            assert cut == [e for e in whole if e in strongest[:limit]]


def test_edge_count_is_how_many_edges_the_same_question_gives(world: GraphStore):
    windows = ((None, None), ("2024-03-01", None), (None, "2024-01-31"),
               ("2024-02-01", "2024-03-15"), ("2030-01-01", None))
    counts = set()
    for types in (None, ("CO_OCCURS",), ("ROUTE", "OPERATES_IN"), ()):
        for since, until in windows:
            count = world.edge_count(types, since, until)
            assert count == len(world.edges(types, since, until, evidence_limit=0))
            counts.add(count)
    assert len(counts) > 2  # the windows and types tell edges apart


def test_edges_with_a_limit_rank_by_the_window_s_weight_not_the_all_time_one(
        world: GraphStore):
    # Mae Sot and Myawaddy, once in March, are named together three times in January.
    world.upsert(GraphBatch(
        documents=(DocumentRow(id="d6", title="Border towns", url="https://example.org/d6",
                               source="Frontier", published="2024-01-20", relevant=True),),
        mentions=(MentionRow("d6", MAE_SOT, 3, "2024-01-20"),
                  MentionRow("d6", MYAWADDY, 3, "2024-01-20")),
        evidence=tuple(EvidenceRow("CO_OCCURS", MAE_SOT, MYAWADDY, "", (), "d6", i,
                                   f"Mae Sot faces Myawaddy ({i}).", "2024-01-20")
                       for i in range(3)),
    ))
    assert edge_ids(world.edges(limit=1)) == [("CO_OCCURS", MAE_SOT, MYAWADDY, "")]
    assert edge_ids(world.edges(since="2024-03-01", limit=1)) == [
        ("CO_OCCURS", CAMBODIA, MYANMAR, "")]


def test_edges_filter_by_type_and_window(world: GraphStore):
    assert edge_ids(world.edges(types=("CO_OCCURS",), until="2024-01-31")) == [
        ("CO_OCCURS", KK_PARK, MYAWADDY, ""), ("CO_OCCURS", KK_PARK, DKBA, ""),
        ("CO_OCCURS", MYANMAR, MYAWADDY, "")]
    assert len(world.edges(since="2024-03-01")) == 6


# -- writing -------------------------------------------------------------------
def snapshot(store: GraphStore) -> tuple:
    return (store.counts(), store.edges(), store.overview(limit=50),
            store.documents(limit=100), store.search_entities("", limit=100),
            store.high_water_mark())


def test_upserting_the_same_batch_twice_changes_nothing(world: GraphStore):
    before = snapshot(world)
    world.upsert(WORLD)
    assert snapshot(world) == before


def test_upsert_replaces_what_a_document_contributed(world: GraphStore):
    # d5 re-extracted: now only one mention of Myanmar and no relations.
    world.upsert(GraphBatch(documents=(doc(D5, "UNODC report on scam centres", "UNODC"),),
                            mentions=(mention(D5, MYANMAR),)))
    assert world.entity(UNODC) is None and world.entity(SCAM) is None
    assert world.entity(MYANMAR).mentions == 3
    assert world.entity(CAMBODIA).mentions == 1
    (edge,) = [e for e in world.edges() if (e.source, e.target) == (CAMBODIA, MYANMAR)]
    assert (edge.weight, edge.last_seen) == (1, "2024-02-15")
    assert world.counts()["relations"] == {
        "CO_OCCURS": 7, "LOCATED_IN": 2, "OPERATES_IN": 1, "RECRUITS_VIA": 1, "ROUTE": 1}


def test_document_turned_off_topic_loses_its_contribution(world: GraphStore):
    world.upsert(GraphBatch(documents=(doc(D1, "Raid", "Irrawaddy", relevant=False),)))
    assert world.entity(KK_PARK) is None and world.entity(DKBA) is None
    assert world.entity(MYAWADDY).mentions == 1
    assert world.counts()["relevant_documents"] == 3
    assert world.documents(entity=MYANMAR) == world.documents(entity=MYANMAR, since="2024-02-01")


def test_upsert_merges_aliases_and_keeps_known_coordinates(world: GraphStore):
    world.upsert(GraphBatch(
        documents=(doc(D4, "Trafficked from Mae Sot into Myawaddy", "Frontier"),),
        entities=(replace(WORLD.entities[3], lat=None, lon=None, aliases=("Mae Sod",)),),
        mentions=(mention(D4, MAE_SOT),),
    ))
    node = world.entity(MAE_SOT)
    assert (node.lat, node.lon, node.aliases) == (16.71, 98.57, ("Mae Sod",))
    assert keys(world.search_entities("mae sod")) == [MAE_SOT]


def test_high_water_mark_moves_only_with_a_batch_that_carries_one(world: GraphStore):
    assert world.high_water_mark() == 5
    world.upsert(GraphBatch(documents=(doc(D2, "x", "s"),), high_water_mark=9))
    assert world.high_water_mark() == 9
    world.upsert(GraphBatch(documents=(doc(D2, "y", "s"),)))
    assert world.high_water_mark() == 9


def test_clear_removes_everything(world: GraphStore):
    world.clear()
    assert world.counts() == {
        "documents": 0, "relevant_documents": 0, "entities": {}, "relations": {}}
    assert world.high_water_mark() == 0
    assert world.entity(MYANMAR) is None
    assert world.shortest_path(MAE_SOT, CAMBODIA) == []
    assert world.neighbourhood(MYAWADDY).nodes == ()


def test_store_can_be_filled_again_after_clear(world: GraphStore):
    before = snapshot(world)
    world.clear()
    world.upsert(WORLD)
    assert snapshot(world) == before


def test_path_reflects_writes_made_after_an_earlier_query(world: GraphStore):
    assert len(world.shortest_path(MAE_SOT, CAMBODIA)) == 3
    world.upsert(GraphBatch(
        documents=(doc(D4, "Trafficked from Mae Sot into Myawaddy", "Frontier"),),
        mentions=(mention(D4, MAE_SOT), mention(D4, CAMBODIA)),
        evidence=(ev("CO_OCCURS", CAMBODIA, MAE_SOT, D4, 0, "Mae Sot, then Cambodia."),),
    ))
    assert edge_ids(world.shortest_path(MAE_SOT, CAMBODIA)) == [
        ("CO_OCCURS", CAMBODIA, MAE_SOT, "")]


@pytest.mark.parametrize(("since", "until"), [
    (None, None), ("2024-02-01", None), (None, "2024-03-31"), ("2024-02-10", "2024-03-31")])
def test_neighbourhood_keeps_only_the_strongest_edges_past_its_edge_limit(
        world: GraphStore, since, until):
    # Weights are those of the window: Cambodia-Myanmar has 3 pieces, 2 of them from D5.
    whole = world.neighbourhood(MYANMAR, since=since, until=until)
    strongest = sorted(whole.edges, key=lambda e: (-e.weight, e.type, e.source, e.target,
                                                   e.mode))
    assert len({e.weight for e in whole.edges}) > 1  # the cut is by weight, not by order
    for limit in (1, 3, len(whole.edges)):
        cut = world.neighbourhood(MYANMAR, since=since, until=until, edge_limit=limit)
        assert cut.nodes == whole.nodes
        assert list(cut.edges) == [e for e in whole.edges if e in strongest[:limit]]
