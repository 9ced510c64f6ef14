"""Link analysis: all shortest paths with evidence, centrality and communities,
on a hand-built graph whose answers are worked out by hand, and through both
store backends."""

from __future__ import annotations

import random
from dataclasses import replace

import networkx as nx
import pytest
from graph_world import CAMBODIA, FACEBOOK, MYANMAR, MYAWADDY, S_JOBS, S_SENT, UNODC

from graph.analysis import graph_from_edges
from graph.links import (
    all_shortest_paths,
    paths_between,
    rank_entities,
    ranked_neighbourhood,
    shortest_hops,
    shortest_node_paths,
    shortest_path_graph,
    shortest_typed_hops,
)
from graph.model import (
    MAX_PATHS,
    DocumentRow,
    Edge,
    EntityNode,
    EntityPath,
    Evidence,
    EvidenceRow,
    GraphBatch,
    MentionRow,
    Subgraph,
)

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


# -- GraphStore.paths: the same answer as all_shortest_paths over store.edges ----------
PS, PT = "PERSON:Sai", "PLATFORM:Telegram"  # the two ends most paths join
PX = [f"LOCATION:X{c}" for c in "abc"]
PY = [f"ORG:Y{c}" for c in "ab"]
PU, PV, PW = "LOCATION:U", "LOCATION:V", "LOCATION:W"  # a chain on from PT
LONE = "PERSON:Lone"  # mentioned, linked to nothing
PATH_DATES = {"e1": "2024-01-10", "e2": "2024-02-01", "e3": "2024-03-01", "e4": "2024-03-01",
              "e5": "2024-04-01", "e6": "2024-04-02"}


def path_ev(type_: str, source: str, target: str, doc_id: str, index: int, mode: str = "",
            via: tuple[str, ...] = ()) -> EvidenceRow:
    return EvidenceRow(type=type_, source=source, target=target, mode=mode, via=via,
                       doc_id=doc_id, sentence_index=index, date=PATH_DATES[doc_id],
                       sentence=f"{doc_id}/{index}: {source} {type_} {target}")


#   PS - Xa|Xb|Xc - Ya|Yb - PT - U - V = W      every X to every Y (CO_OCCURS); PS and PT
#    \_____________________/                    also joined directly by RECRUITS_VIA
# Xa-Ya also a ROUTE of five statements (the strongest there), Xb-Ya also an OPERATES_IN
# as strong as its CO_OCCURS, Yb->Xc an INVOLVES of two; V-W is a ROUTE only.
PATHS_WORLD = GraphBatch(
    documents=tuple(
        DocumentRow(id=d, title=f"title {d}", url=f"https://example.org/{d}", source="Wire",
                    published=date, relevant=d != "e6")
        for d, date in PATH_DATES.items()),
    mentions=(MentionRow("e1", LONE, 1, PATH_DATES["e1"]),),
    evidence=(
        *(path_ev("CO_OCCURS", PS, x, "e1", i) for i, x in enumerate(PX)),
        *(path_ev("CO_OCCURS", x, y, "e2", 3 * j + i) for i, x in enumerate(PX)
          for j, y in enumerate(PY)),
        path_ev("ROUTE", PX[0], PY[0], "e1", 5, mode="land"),
        path_ev("ROUTE", PX[0], PY[0], "e3", 0, mode="land", via=("Moei River",)),
        path_ev("ROUTE", PX[0], PY[0], "e3", 1, mode="land"),
        path_ev("ROUTE", PX[0], PY[0], "e4", 0, mode="land"),
        path_ev("ROUTE", PX[0], PY[0], "e5", 0, mode="land"),
        path_ev("OPERATES_IN", PY[0], PX[1], "e2", 9),
        path_ev("INVOLVES", PY[1], PX[2], "e2", 10),
        path_ev("INVOLVES", PY[1], PX[2], "e4", 1),
        *(path_ev("CO_OCCURS", y, PT, "e5", 1 + j) for j, y in enumerate(PY)),
        path_ev("RECRUITS_VIA", PS, PT, "e3", 2),
        path_ev("CO_OCCURS", PT, PU, "e5", 3),
        path_ev("CO_OCCURS", PU, PV, "e5", 4),
        path_ev("ROUTE", PV, PW, "e4", 2, mode="sea"),
        path_ev("ROUTE", PV, PW, "e6", 0, mode="sea"),  # off-topic: dropped
    ),
    high_water_mark=1,
)
PATH_KEYS = [PS, PT, *PX, *PY, PU, PV, PW, LONE, "LOCATION:nowhere"]
NOT_STATED = ("CO_OCCURS", "INVOLVES", "LOCATED_IN", "OPERATES_IN", "ROUTE")  # no RECRUITS_VIA
TYPE_CHOICES = [None, NOT_STATED, ("CO_OCCURS",), ("ROUTE", "RECRUITS_VIA", "CO_OCCURS"), ()]


def over_all_edges(store, source, target, max_hops=6, types=None, limit=MAX_PATHS,
                   evidence_limit=None, edges=None) -> list[EntityPath]:
    """What store.paths must answer: all_shortest_paths over every edge of the types
    (``edges`` when given: store.edges(types, evidence_limit=evidence_limit) read once)."""
    if edges is None:
        edges = store.edges(types, evidence_limit=evidence_limit)
    return all_shortest_paths(edges, source, target, max_hops, limit)


@pytest.fixture
def paths_world(graph_store):
    graph_store.upsert(PATHS_WORLD)
    return graph_store


def test_store_paths_walk_only_the_relation_types_asked(paths_world):
    [direct] = paths_world.paths(PS, PT)
    assert direct.nodes == (PS, PT) and direct.edges[0].type == "RECRUITS_VIA"
    paths = paths_world.paths(PS, PT, types=NOT_STATED)
    assert [p.nodes for p in paths] == [(PS, x, y, PT) for x in PX for y in PY]
    assert paths_world.paths(PS, PW, types=("CO_OCCURS",)) == []
    assert paths_world.paths(PS, PT, types=()) == []


def test_store_paths_hop_through_the_strongest_relation_with_its_newest_evidence(paths_world):
    paths = paths_world.paths(PS, PT, types=NOT_STATED, evidence_limit=3)
    by_nodes = {p.nodes: p for p in paths}
    route = by_nodes[(PS, PX[0], PY[0], PT)].edges[1]
    assert (route.type, route.source, route.target, route.mode, route.weight) == (
        "ROUTE", PX[0], PY[0], "land", 5)
    assert route.via == ("Moei River",)
    # Newest first; one day's statements by document, then sentence.
    assert [(ev.doc_id, ev.sentence.split(":")[0]) for ev in route.evidence] == [
        ("e5", "e5/0"), ("e3", "e3/0"), ("e3", "e3/1")]
    assert by_nodes[(PS, PX[1], PY[0], PT)].edges[1].type == "CO_OCCURS"  # a tie: by type
    involves = by_nodes[(PS, PX[2], PY[1], PT)].edges[1]  # walked against its direction
    assert (involves.type, involves.source, involves.target) == ("INVOLVES", PY[1], PX[2])
    assert paths_world.paths(PS, PT, types=("CO_OCCURS",))[0].edges[1].type == "CO_OCCURS"


@pytest.mark.parametrize("types", TYPE_CHOICES)
def test_store_paths_between_every_two_entities_are_those_over_all_its_edges(paths_world, types):
    edges = paths_world.edges(types)
    found = 0
    for source in PATH_KEYS:
        for target in PATH_KEYS:
            paths = paths_world.paths(source, target, types=types)
            assert paths == over_all_edges(paths_world, source, target, types=types,
                                           edges=edges), (source, target)
            found += bool(paths)
    assert found >= (0 if types == () else 20)


@pytest.mark.parametrize(("source", "target", "max_hops", "limit", "evidence_limit"), [
    (PS, PT, 6, MAX_PATHS, None),
    (PS, PT, 3, 4, 1),  # the limit cuts the six paths
    (PS, PT, 2, MAX_PATHS, 2),  # the hop limit leaves none
    (PT, PS, 3, 2, 0),  # the other way; no evidence at all
    (PS, PW, 4, 1, 2),
    (PS, PW, 3, MAX_PATHS, None),
    (PS, PT, 6, 0, None),
    (PS, PT, 0, MAX_PATHS, None),
    (PX[0], PY[0], 1, MAX_PATHS, 1),
    (PS, PS, 6, MAX_PATHS, None),  # equal ends
    (PS, LONE, 6, MAX_PATHS, None),  # an end linked to nothing
    ("LOCATION:nowhere", PT, 6, MAX_PATHS, None),  # an unknown end
])
def test_store_paths_keep_to_the_hop_path_and_evidence_limits(
    paths_world, source, target, max_hops, limit, evidence_limit,
):
    for types in (None, NOT_STATED):
        expected = over_all_edges(paths_world, source, target, max_hops, types, limit,
                                  evidence_limit)
        assert paths_world.paths(source, target, max_hops=max_hops, types=types, limit=limit,
                                 evidence_limit=evidence_limit) == expected
        if evidence_limit is not None:
            assert all(len(e.evidence) <= evidence_limit for p in expected for e in p.edges)


def test_store_paths_on_a_random_world_are_those_over_all_its_edges(graph_store):
    rng = random.Random(8)
    keys = [f"{label}:{n}" for n in range(14) for label in ("LOCATION", "ORG")][:20]
    types = ("CO_OCCURS", "ROUTE", "OPERATES_IN", "INVOLVES")
    evidence = []
    for index in range(45):
        source, target = rng.sample(keys, 2)
        type_ = rng.choice(types)
        for doc_id in rng.sample(sorted(PATH_DATES)[:5], rng.randint(1, 3)):
            evidence.append(path_ev(type_, source, target, doc_id, index,
                                    mode="land" if type_ == "ROUTE" else ""))
    graph_store.upsert(replace(PATHS_WORLD, mentions=(), evidence=tuple(evidence)))
    pairs = [(s, t) for s in keys[:10] for t in keys[10:]]
    longest = 0
    for wanted in (None, ("CO_OCCURS", "ROUTE")):
        edges = graph_store.edges(wanted, evidence_limit=2)
        for source, target in pairs:
            paths = graph_store.paths(source, target, types=wanted, limit=5, evidence_limit=2)
            assert paths == over_all_edges(graph_store, source, target, limit=5,
                                           edges=edges), (source, target, wanted)
            longest = max([longest, *(p.hops for p in paths)])
    assert longest >= 3


def expander(G: nx.Graph, asked: list[str]):
    """expand() over a networkx graph, noting every node it is asked about."""
    def expand(frontier: list[str]) -> list[tuple[str, str]]:
        asked.extend(frontier)
        return [(n, o) for n in frontier for o in G[n]]
    return expand


def test_shortest_path_graph_holds_every_shortest_path_and_no_shorter_one():
    rng = random.Random(3)
    G = nx.relabel_nodes(nx.gnm_random_graph(60, 90, seed=5), lambda n: f"N:{n:02d}")
    nodes = sorted(G)
    found = 0
    for _ in range(300):
        source, target = rng.sample(nodes, 2)
        hops = rng.randint(1, 8)
        walked = shortest_path_graph(expander(G, []), source, target, hops)
        expected = shortest_node_paths(G, source, target, hops, 1000)
        assert shortest_node_paths(walked, source, target, hops, 1000) == expected
        found += len(expected) > 1
    assert found > 20  # pairs with ties, not only single paths


def test_shortest_path_graph_reads_only_between_the_ends():
    line = nx.path_graph([f"L:{n:03d}" for n in range(200)])
    asked: list[str] = []
    walked = shortest_path_graph(expander(line, asked), "L:000", "L:010", 20)
    assert shortest_node_paths(walked, "L:000", "L:010", 20) == [
        tuple(f"L:{n:03d}" for n in range(11))]
    assert sorted(set(asked)) == [f"L:{n:03d}" for n in range(10)]
    assert shortest_path_graph(expander(line, asked), "L:000", "L:010", 9).number_of_nodes() == 0


def test_shortest_typed_hops_walk_and_choose_only_relations_of_the_types():
    G = graph_from_edges(DIAMOND)
    assert shortest_typed_hops(G, A, E) == shortest_hops(G, A, E)
    co_occurs = shortest_typed_hops(G, A, E, types=("CO_OCCURS",))
    assert co_occurs == shortest_hops(
        graph_from_edges(e for e in DIAMOND if e.type == "CO_OCCURS"), A, E)
    assert co_occurs[0][1][1].type == "CO_OCCURS"  # not B-D's stronger ROUTE
    assert [nodes for nodes, _ in shortest_typed_hops(G, B, D, types=("ROUTE",))] == [(B, D)]
    assert shortest_typed_hops(G, A, E, types=("ROUTE",)) == []
    assert shortest_typed_hops(G, A, "LOCATION:nowhere") == []
