"""Analysis functions over a networkx graph, no store involved."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis import (
    RelationSummary,
    build_graph,
    communities,
    degree_ranking,
    graph_from_edges,
    neighbourhood_nodes,
    seen_in_window,
    shortest_path_edges,
    shortest_path_nodes,
    strongest_relation,
)
from graph.model import Edge, EntityNode, Evidence


def co(a: str, b: str, weight: int = 1) -> RelationSummary:
    return RelationSummary("CO_OCCURS", min(a, b), max(a, b), "", weight)


def graph_of(*relations: RelationSummary, dates: tuple[str, ...] = ("2024-01-01",)):
    return build_graph([], [(r, dates) for r in relations])


def test_build_graph_keeps_every_relation_of_a_pair_and_their_dates_sorted():
    G = build_graph(
        [("L:A", "L"), ("L:Z", "L")],
        [(co("L:A", "L:B"), ["2024-02-01"]),
         (RelationSummary("LOCATED_IN", "L:B", "L:A", "", 2), ["2024-03-01", "2024-01-01"])])
    assert G["L:A"]["L:B"]["relations"] == (co("L:A", "L:B"),
                                            RelationSummary("LOCATED_IN", "L:B", "L:A", "", 2))
    assert G["L:A"]["L:B"]["dates"] == ("2024-01-01", "2024-02-01", "2024-03-01")
    assert G.nodes["L:Z"]["label"] == "L"  # isolated nodes stay
    assert G.nodes["L:B"]["label"] == "L"  # label from the key when not given


def test_graph_from_query_results_matches_the_store_graph():
    edges = [
        Edge("CO_OCCURS", "L:A", "L:B", weight=2, first_seen="2024-01-01",
             last_seen="2024-02-01",
             evidence=(Evidence("d2", "s", "2024-02-01"), Evidence("d1", "s", "2024-01-01"))),
        Edge("ROUTE", "L:B", "L:C", "land", weight=1, first_seen="2024-03-01",
             last_seen="2024-03-01"),
    ]
    G = graph_from_edges(edges, [EntityNode("R:X", "R", "X")])
    assert G["L:A"]["L:B"]["dates"] == ("2024-01-01", "2024-02-01")
    assert G["L:B"]["L:C"]["relations"] == (RelationSummary("ROUTE", "L:B", "L:C", "land", 1),)
    assert G["L:C"]["L:B"]["dates"] == ("2024-03-01", "2024-03-01")
    assert sorted(G.nodes) == ["L:A", "L:B", "L:C", "R:X"]


def test_window_test_is_inclusive_at_both_ends():
    dates = ("2024-01-10", "2024-03-05")
    assert seen_in_window(dates, "2024-03-05", "2024-03-05")
    assert seen_in_window(dates, None, "2024-01-10")
    assert not seen_in_window(dates, "2024-01-11", "2024-03-04")
    assert not seen_in_window(dates, "2024-03-06", None)
    assert seen_in_window(dates, None, None)
    assert not seen_in_window((), None, None)


def test_strongest_relation_wins_by_weight_before_type():
    weak, strong = co("L:A", "L:B", 1), RelationSummary("ROUTE", "L:A", "L:B", "land", 2)
    assert strongest_relation([weak, strong]) == strong
    assert strongest_relation([strong, weak._replace(weight=2)]) == weak._replace(weight=2)


def test_shortest_path_prefers_the_smallest_key_sequence():
    G = graph_of(co("A", "C"), co("C", "D"), co("D", "F"), co("A", "B"), co("B", "E"),
                 co("E", "F"))
    assert shortest_path_nodes(G, "A", "F", 6) == ["A", "B", "E", "F"]
    assert shortest_path_nodes(G, "F", "A", 6) == ["F", "D", "C", "A"]


def test_shortest_path_is_shortest_before_smallest():
    G = graph_of(co("A", "B"), co("B", "C"), co("C", "Z"), co("A", "Y"), co("Y", "Z"))
    assert shortest_path_nodes(G, "A", "Z", 6) == ["A", "Y", "Z"]


def test_shortest_path_gives_up_beyond_max_hops_and_without_a_route():
    G = graph_of(co("A", "B"), co("B", "C"), co("X", "Y"))
    assert shortest_path_nodes(G, "A", "C", 1) == []
    assert shortest_path_nodes(G, "A", "X", 6) == []
    assert shortest_path_nodes(G, "A", "Q", 6) == []
    assert shortest_path_nodes(G, "A", "A", 6) == []


def test_shortest_path_edges_pick_the_strongest_relation_per_hop():
    G = graph_of(co("A", "B"), RelationSummary("ROUTE", "B", "A", "sea", 3), co("B", "C"))
    assert shortest_path_edges(G, "A", "C") == [
        RelationSummary("ROUTE", "B", "A", "sea", 3), co("B", "C")]


def test_neighbourhood_enters_only_allowed_labels_within_depth():
    G = build_graph(
        [("L:A", "L"), ("L:B", "L"), ("R:X", "R"), ("L:C", "L"), ("L:D", "L")],
        [(co("L:A", "R:X"), ["2024-01-01"]), (co("R:X", "L:C"), ["2024-01-01"]),
         (co("L:A", "L:B"), ["2024-01-01"]), (co("L:B", "L:D"), ["2024-01-01"])])
    assert neighbourhood_nodes(G, "L:A", 2, labels=("L",)) == {"L:A": 0, "L:B": 1, "L:D": 2}
    assert neighbourhood_nodes(G, "L:A", 2) == {
        "L:A": 0, "R:X": 1, "L:B": 1, "L:C": 2, "L:D": 2}
    assert neighbourhood_nodes(G, "L:A", 0) == {"L:A": 0}
    assert neighbourhood_nodes(G, "L:Q", 2) == {}


def test_neighbourhood_follows_only_edges_seen_in_the_window():
    G = build_graph([], [(co("A", "B"), ["2024-01-01"]), (co("A", "C"), ["2024-05-01"])])
    assert neighbourhood_nodes(G, "A", 1, since="2024-02-01") == {"A": 0, "C": 1}
    assert neighbourhood_nodes(G, "A", 1, until="2024-01-01") == {"A": 0, "B": 1}


def test_degree_ranking_counts_distinct_neighbours_ties_by_key():
    G = graph_of(co("A", "B"), co("A", "C"), co("B", "C"), co("C", "D"))
    assert degree_ranking(G, limit=3) == [("C", 3), ("A", 2), ("B", 2)]


def test_communities_split_two_cliques_joined_by_one_edge():
    left = [co(a, b, 5) for a, b in (("A", "B"), ("A", "C"), ("B", "C"))]
    right = [co(a, b, 5) for a, b in (("X", "Y"), ("X", "Z"), ("Y", "Z"), ("W", "X"))]
    G = graph_of(*left, *right, co("C", "X"))
    assert communities(G) == [("W", "X", "Y", "Z"), ("A", "B", "C")]
    assert communities(graph_of()) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=40),
       st.integers(0, 14), st.integers(0, 14), st.integers(0, 7))
def test_shortest_path_is_the_smallest_of_all_shortest_paths(pairs, a, b, max_hops):
    keys = [f"L:{i:02d}" for i in range(15)]
    G = graph_of(*(co(keys[x], keys[y]) for x, y in pairs if x != y))
    G.add_nodes_from(keys)
    found = shortest_path_nodes(G, keys[a], keys[b], max_hops)
    if a == b or max_hops < 1 or not nx.has_path(G, keys[a], keys[b]):
        assert found == []
        return
    every = sorted(nx.all_shortest_paths(G, keys[a], keys[b]))
    expected = every[0] if len(every[0]) - 1 <= max_hops else []
    assert found == expected
