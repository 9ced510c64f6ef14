"""An entity neighbourhood as an interactive plotly network, and paths as hops.

Pure functions of graph records: no store, no Streamlit. Every piece of text
that came from a source goes through ``plotly_text`` (escaped and wrapped),
because plotly reads a few HTML tags in hover labels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import plotly.graph_objects as go

from dashboard.safe_text import plotly_text, shorten
from dashboard.style import LABEL_COLOURS, label_colour, relation_colour
from graph.model import Edge, EntityNode, Subgraph
from nlp.taxonomy import CO_OCCURS

LAYOUT_SEED = 42  # fixed, so the same neighbourhood is always drawn the same way


def entity_name(key: str) -> str:
    """The canonical name part of an entity key ``LABEL:name``."""
    return key.split(":", 1)[1] if ":" in key else key


def entity_label(key: str) -> str:
    return key.split(":", 1)[0] if ":" in key else ""


def keep_relations(subgraph: Subgraph, types: set[str], centre: str | None = None) -> Subgraph:
    """Only the edges of ``types``, and only the nodes still touched by one
    (the centre always stays)."""
    edges = tuple(e for e in subgraph.edges if e.type in types)
    touched = {e.source for e in edges} | {e.target for e in edges} | {centre}
    return Subgraph(nodes=tuple(n for n in subgraph.nodes if n.key in touched), edges=edges)


def layout_positions(subgraph: Subgraph, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Spring-layout positions for every node, reproducible for a given seed."""
    graph = nx.Graph()
    graph.add_nodes_from(node.key for node in subgraph.nodes)
    for edge in subgraph.edges:
        if edge.source in graph and edge.target in graph and edge.source != edge.target:
            previous = graph.get_edge_data(edge.source, edge.target, {}).get("weight", 0)
            graph.add_edge(edge.source, edge.target, weight=previous + max(edge.weight, 1))
    if graph.number_of_nodes() == 0:
        return {}
    # Log weights keep one very frequent pair from collapsing the drawing.
    for _, _, attrs in graph.edges(data=True):
        attrs["weight"] = 1.0 + math.log(attrs["weight"])
    k = 1.5 / math.sqrt(graph.number_of_nodes())
    positions = nx.spring_layout(graph, seed=seed, k=k, weight="weight")
    return {key: (float(x), float(y)) for key, (x, y) in positions.items()}


def edge_hover(edge: Edge) -> str:
    """Hover text for an edge: relation, weight, dates and its first evidence."""
    arrow = "—" if edge.type == CO_OCCURS else "→"
    lines = [
        f"<b>{plotly_text(entity_name(edge.source))} {arrow} "
        f"{plotly_text(entity_name(edge.target))}</b>",
        f"{plotly_text(edge.type)}" + (f" ({plotly_text(edge.mode)})" if edge.mode else ""),
        f"weight {edge.weight} · seen {edge.first_seen or '?'} to {edge.last_seen or '?'}",
    ]
    if edge.via:
        lines.append("via " + plotly_text(", ".join(edge.via)))
    if edge.evidence:
        first = edge.evidence[0]
        lines.append("“" + plotly_text(shorten(first.sentence, 300), width=70) + "”")
        source = " · ".join(p for p in (first.title, first.source, first.date) if p)
        if source:
            lines.append("— " + plotly_text(shorten(source, 120), width=70))
    return "<br>".join(lines)


def node_hover(node: EntityNode) -> str:
    return "<br>".join([
        f"<b>{plotly_text(node.name)}</b>",
        plotly_text(node.label),
        f"{node.mentions} mentions in {node.documents} documents",
        f"seen {node.first_seen or '?'} to {node.last_seen or '?'}",
    ])


def network_figure(
    subgraph: Subgraph, centre: str | None = None, seed: int = LAYOUT_SEED, height: int = 620
) -> go.Figure:
    """Nodes coloured by label (one legend entry per label), edges coloured by
    relation with hover text on their midpoints; ``centre`` drawn larger."""
    positions = layout_positions(subgraph, seed)
    figure = go.Figure()

    lines: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    mid_x, mid_y, mid_text, mid_colour = [], [], [], []
    for edge in subgraph.edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x0, y0), (x1, y1) = positions[edge.source], positions[edge.target]
        xs, ys = lines[edge.type]
        xs.extend((x0, x1, None))
        ys.extend((y0, y1, None))
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        mid_text.append(edge_hover(edge))
        mid_colour.append(relation_colour(edge.type))
    for relation_type, (xs, ys) in sorted(lines.items()):
        figure.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", hoverinfo="skip", name=relation_type,
            legendgroup="relations", legendgrouptitle_text="Relations",
            line={"color": relation_colour(relation_type), "width": 1.5},
        ))
    if mid_x:
        figure.add_trace(go.Scatter(
            x=mid_x, y=mid_y, mode="markers", hovertext=mid_text, hoverinfo="text",
            marker={"size": 7, "color": mid_colour, "opacity": 0.5, "symbol": "diamond"},
            name="edge details", showlegend=False,
        ))

    by_label: dict[str, list[EntityNode]] = defaultdict(list)
    for node in subgraph.nodes:
        if node.key in positions:
            by_label[node.label].append(node)
    ordered_labels = [lb for lb in LABEL_COLOURS if lb in by_label]
    ordered_labels += sorted(lb for lb in by_label if lb not in LABEL_COLOURS)
    show_names = len(subgraph.nodes) <= 60
    for label in ordered_labels:
        figure.add_trace(_node_trace(
            by_label[label], positions, label, show_names, centre_key=centre,
            legendgroup="labels", legendgrouptitle_text="Entity labels",
        ))
    centre_node = next((n for n in subgraph.nodes if n.key == centre), None)
    if centre_node is not None and centre in positions:
        # Drawn on top, outlined, and kept out of the legend so the legend
        # swatches all look alike.
        figure.add_trace(_node_trace(
            [centre_node], positions, centre_node.label, True, centre=True,
            showlegend=False, legendgroup="centre",
        ))

    figure.update_layout(
        height=height, hovermode="closest", dragmode="pan",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
        legend={"itemsizing": "constant"}, plot_bgcolor="rgba(0,0,0,0)",
    )
    return figure


def _node_trace(
    nodes: list[EntityNode], positions: dict[str, tuple[float, float]], label: str,
    show_names: bool, centre: bool = False, centre_key: str | None = None, **trace: object,
) -> go.Scatter:
    return go.Scatter(
        x=[positions[n.key][0] for n in nodes],
        y=[positions[n.key][1] for n in nodes],
        mode="markers+text" if show_names else "markers",
        # The centre's name is written once, by its own trace.
        text=[plotly_text(shorten(n.name, 28)) if centre or n.key != centre_key else ""
              for n in nodes],
        textposition="top center",
        textfont={"size": 13 if centre else 11, "color": "#222222" if centre else "#555555"},
        hovertext=[node_hover(n) for n in nodes],
        hoverinfo="text",
        name=label,
        marker={
            "color": label_colour(label),
            "size": [_node_size(n, centre) for n in nodes],
            "line": {"color": "#222222" if centre else "#FFFFFF", "width": 3 if centre else 1},
        },
        **trace,
    )


def _node_size(node: EntityNode, is_centre: bool) -> float:
    size = 10 + 4 * math.sqrt(max(node.mentions, 0))
    return min(size, 40) + (10 if is_centre else 0)


@dataclass(frozen=True)
class Hop:
    """One step of a path, in walking order; ``edge`` keeps its own direction."""

    start: str
    end: str
    edge: Edge

    @property
    def forward(self) -> bool:
        return self.edge.source == self.start


def path_hops(source: str, edges: list[Edge]) -> list[Hop]:
    """The edges of a path as hops walked from ``source``: an edge stored the
    other way round (or an undirected one) is still one step forward."""
    hops: list[Hop] = []
    here = source
    for edge in edges:
        if edge.source == here:
            there = edge.target
        elif edge.target == here:
            there = edge.source
        else:  # not a connected walk; show the edge as stored
            here, there = edge.source, edge.target
        hops.append(Hop(start=here, end=there, edge=edge))
        here = there
    return hops
