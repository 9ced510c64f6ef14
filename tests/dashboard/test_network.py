"""Network drawing and path hops, as pure functions of graph records."""

from __future__ import annotations

from dashboard.network import keep_relations, layout_positions, network_figure, path_hops
from graph.model import Edge, EntityNode, Evidence, Subgraph

NODES = (
    EntityNode("LOCATION:Mae Sot", "LOCATION", "Mae Sot", mentions=3),
    EntityNode("LOCATION:Myawaddy", "LOCATION", "Myawaddy", mentions=9),
    EntityNode("PLATFORM:Facebook", "PLATFORM", "Facebook", mentions=4),
    EntityNode("RECRUITER:DKBA", "RECRUITER", "DKBA", mentions=2),
)
EDGES = (
    Edge("ROUTE", "LOCATION:Mae Sot", "LOCATION:Myawaddy", mode="land", weight=2,
         evidence=(Evidence("d1", "Taken from Mae Sot <b>into</b> Myawaddy.", "2026-09-01"),)),
    Edge("OPERATES_IN", "RECRUITER:DKBA", "LOCATION:Myawaddy", weight=1),
    Edge("CO_OCCURS", "LOCATION:Myawaddy", "PLATFORM:Facebook", weight=5),
)
SUBGRAPH = Subgraph(nodes=NODES, edges=EDGES)


def test_layout_is_the_same_on_every_draw():
    assert layout_positions(SUBGRAPH) == layout_positions(SUBGRAPH)
    assert set(layout_positions(SUBGRAPH)) == {n.key for n in NODES}


def test_figure_has_one_legend_entry_per_label_and_relation():
    figure = network_figure(SUBGRAPH, centre="LOCATION:Myawaddy")
    legend = [t.name for t in figure.data if t.showlegend is not False]
    assert sorted(legend) == sorted(
        ["LOCATION", "PLATFORM", "RECRUITER", "CO_OCCURS", "OPERATES_IN", "ROUTE"]
    )


def test_edge_hover_carries_escaped_evidence():
    figure = network_figure(SUBGRAPH)
    [points] = [t for t in figure.data if t.name == "edge details"]
    route = next(text for text in points.hovertext if "ROUTE" in text)
    assert "&lt;b&gt;into&lt;/b&gt;" in route and "weight 2" in route and "(land)" in route


def test_path_hops_walk_edges_stored_the_other_way():
    hops = path_hops("LOCATION:Mae Sot", [EDGES[0], EDGES[1]])
    assert [(h.start, h.end) for h in hops] == [
        ("LOCATION:Mae Sot", "LOCATION:Myawaddy"),
        ("LOCATION:Myawaddy", "RECRUITER:DKBA"),
    ]
    assert [h.forward for h in hops] == [True, False]


def test_empty_subgraph_draws_an_empty_figure():
    assert len(network_figure(Subgraph(nodes=(), edges=())).data) == 0


def test_keeping_some_relations_drops_nodes_left_without_links():
    kept = keep_relations(SUBGRAPH, {"ROUTE"}, centre="LOCATION:Myawaddy")
    assert [e.type for e in kept.edges] == ["ROUTE"]
    assert {n.key for n in kept.nodes} == {"LOCATION:Mae Sot", "LOCATION:Myawaddy"}


def test_centre_name_is_written_once():
    figure = network_figure(SUBGRAPH, centre="LOCATION:Myawaddy")
    written = [text for trace in figure.data if trace.text for text in trace.text]
    assert written.count("Myawaddy") == 1
