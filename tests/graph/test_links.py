"""Link analysis: all shortest paths with evidence, centrality and communities,
on a hand-built graph whose answers are worked out by hand, and through both
store backends."""

from __future__ import annotations

import pytest
from graph_world import CAMBODIA, FACEBOOK, MYANMAR, MYAWADDY, S_JOBS, S_SENT, UNODC

from graph.links import all_shortest_paths, paths_between, rank_entities, ranked_neighbourhood
from graph.model import Edge, EntityNode, Evidence, Subgraph

A, B, C, D, E = (f"LOCATION:{x}" for x in "ABCDE")
P = "PLATFORM:P"


def edge(type_: str, source: str, target: str, weight: int = 1, mode: str = "") -> Edge:
    sentence = f"{source} {type_} {target}"
    return Edge(type=type_, source=source, target=target, mode=mode, weight=weight,
                first_seen="2024-01-01", last_seen="2024-01-01",
                evidence=(Evidence(doc_id="d", sentence=sentence, date="2024-01-01",
                                   url="https://example.org/d"),))


#   A - B = D - E        B = D: a CO_OCCURS and a stronger ROUTE
#    \     /  \
#     C - -    P
DIAMOND = (
    edge("CO_OCCURS", A, B), edge("CO_OCCURS", A, C), edge("CO_OCCURS", B, D),
    edge("ROUTE", B, D, weight=3, mode="land"), edge("CO_OCCURS", C, D),
    edge("CO_OCCURS", D, E), edge("CO_OCCURS", D, P),
)


def test_every_shortest_path_is_found_in_lexicographic_order():
    paths = all_shortest_paths(DIAMOND, A, E)
    assert [p.nodes for p in paths] == [(A, B, D, E), (A, C, D, E)]
    assert all(p.hops == 3 for p in paths)


def test_each_hop_goes_through_the_strongest_relation_with_its_evidence():
    [first, second] = all_shortest_paths(DIAMOND, A, E)
    assert [(e.type, e.source, e.target) for e in first.edges] == [
        ("CO_OCCURS", A, B), ("ROUTE", B, D), ("CO_OCCURS", D, E)]
    assert first.edges[1].evidence[0].sentence == f"{B} ROUTE {D}"
    assert [(e.source, e.target) for e in second.edges] == [(A, C), (C, D), (D, E)]


def test_walking_against_an_edge_s_direction_keeps_the_edge_as_stored():
    [path] = all_shortest_paths(DIAMOND, E, B)
    assert path.nodes == (E, D, B)
    assert (path.edges[1].type, path.edges[1].source, path.edges[1].target) == ("ROUTE", B, D)


def test_no_path_within_the_hop_limit_gives_nothing():
    assert all_shortest_paths(DIAMOND, A, E, max_hops=2) == []
    assert all_shortest_paths(DIAMOND, A, E, max_hops=3) != []


def test_path_limit_keeps_the_first_paths():
    assert [p.nodes for p in all_shortest_paths(DIAMOND, A, E, limit=1)] == [(A, B, D, E)]


def test_unknown_or_equal_ends_have_no_path():
    assert all_shortest_paths(DIAMOND, A, "LOCATION:nowhere") == []
    assert all_shortest_paths(DIAMOND, A, A) == []


def test_betweenness_matches_the_hand_count():
    ranks = {r.key: r for r in rank_entities(Subgraph(nodes=(), edges=DIAMOND))}
    # D is on every path to E and P, and half the B-C paths: 7.5 of 10 pairs.
    assert ranks[D].betweenness == pytest.approx(0.75)
    assert ranks[B].betweenness == ranks[C].betweenness == pytest.approx(0.15)
    assert ranks[A].betweenness == pytest.approx(0.05)
    assert ranks[E].betweenness == ranks[P].betweenness == 0


def test_ranking_puts_the_hub_first_and_counts_distinct_neighbours():
    nodes = tuple(EntityNode(key=k, label=k.split(":")[0], name=k.split(":")[1], mentions=i)
                  for i, k in enumerate((A, B, C, D, E, P)))
    ranks = rank_entities(Subgraph(nodes=nodes, edges=DIAMOND))
    assert ranks[0].key == D
    assert (ranks[0].degree, ranks[0].mentions, ranks[0].name) == (4, 3, "D")
    degrees = {r.key: r.degree for r in ranks}
    assert degrees == {A: 2, B: 2, C: 2, D: 4, E: 1, P: 1}  # B-D twice is one neighbour
    assert sum(r.pagerank for r in ranks) == pytest.approx(1.0)
    assert [r.pagerank for r in ranks] == sorted((r.pagerank for r in ranks), reverse=True)


def test_evidence_weight_raises_pagerank():
    light = {r.key: r.pagerank for r in rank_entities(Subgraph((), (
        edge("CO_OCCURS", A, B), edge("CO_OCCURS", B, C))))}
    heavy = {r.key: r.pagerank for r in rank_entities(Subgraph((), (
        edge("CO_OCCURS", A, B, weight=9), edge("CO_OCCURS", B, C))))}
    assert light[A] == pytest.approx(light[C])
    assert heavy[A] > heavy[C]


def test_two_triangles_joined_by_a_bridge_are_two_communities():
    left = [f"ORG:{x}" for x in "abc"]
    right = [f"ORG:{x}" for x in "xyz"]
    edges = [edge("CO_OCCURS", u, v, weight=5) for group in (left, right)
             for i, u in enumerate(group) for v in group[i + 1:]]
    edges.append(edge("CO_OCCURS", left[0], right[0]))
    ranks = {r.key: r.community for r in rank_entities(Subgraph((), tuple(edges)))}
    assert {ranks[k] for k in left} | {ranks[k] for k in right} == {1, 2}
    assert len({ranks[k] for k in left}) == len({ranks[k] for k in right}) == 1
    assert ranks[left[0]] != ranks[right[0]]


def test_an_entity_alone_is_in_no_community():
    lone = EntityNode(key="PERSON:alone", label="PERSON", name="alone")
    ranks = rank_entities(Subgraph(nodes=(lone,), edges=DIAMOND))
    assert next(r for r in ranks if r.key == lone.key).community == 0


def test_empty_subgraph_ranks_nothing():
    assert rank_entities(Subgraph((), ())) == []


# -- through the store, on every backend --------------------------------------
def test_store_paths_agree_with_the_store_s_own_shortest_path(world):
    paths = paths_between(world, FACEBOOK, CAMBODIA)
    assert [p.nodes for p in paths] == [(FACEBOOK, MYANMAR, CAMBODIA)]
    own = world.shortest_path(FACEBOOK, CAMBODIA)
    assert [(e.type, e.source, e.target) for e in paths[0].edges] == [
        (e.type, e.source, e.target) for e in own]
    sentences = [{ev.sentence for ev in e.evidence} for e in paths[0].edges]
    assert S_JOBS in sentences[0] and S_SENT in sentences[1]
    assert all(ev.url.startswith("https://example.org/") for e in paths[0].edges
               for ev in e.evidence)


def test_store_paths_respect_relation_types(world):
    assert paths_between(world, FACEBOOK, CAMBODIA, types=("ROUTE",)) == []
    assert paths_between(world, UNODC, CAMBODIA, types=("OPERATES_IN",))[0].nodes == (
        UNODC, CAMBODIA)


def test_store_neighbourhood_ranks_the_centre_of_a_star_first(world):
    subgraph, ranks = ranked_neighbourhood(world, MYANMAR)
    assert {r.key for r in ranks} == {n.key for n in subgraph.nodes}
    assert ranks[0].key == MYANMAR
    neighbours = {k for e in subgraph.edges if MYANMAR in (e.source, e.target)
                  for k in (e.source, e.target)} - {MYANMAR}
    assert ranks[0].degree == len(neighbours) > 1


def test_store_neighbourhood_kept_to_stated_relations_drops_co_occurrence_only_nodes(world):
    subgraph, ranks = ranked_neighbourhood(world, MYAWADDY, types=("LOCATED_IN", "ROUTE"))
    assert {e.type for e in subgraph.edges} <= {"LOCATED_IN", "ROUTE"}
    keys = {r.key for r in ranks}
    assert MYAWADDY in keys and MYANMAR in keys
    assert "LOCATION:Mae Sot" in keys and "RECRUITER:DKBA" not in keys
