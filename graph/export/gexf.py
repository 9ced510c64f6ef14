"""GEXF 1.2, for Gephi.

Nodes and edges carry ``start``/``end`` (first and last seen), so Gephi's
timeline can play the graph over time; nodes are coloured by label and sized
by mentions. GEXF reserves an edge's ``type`` for its direction, so the
relation is in ``relation``; CO_OCCURS edges are written source -> target
with ``directed`` false.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from graph.export.collect import DOCUMENT_TYPE, ExportGraph
from graph.export.graph import edge_pieces, node_pieces, write_in_pieces
from nlp.taxonomy import CRIME, LOCATION, ORG, PERSON, PLATFORM, RECRUITER

SUFFIX = ".gexf"

# One colour per label (colour-blind safe palette, Okabe-Ito).
COLOURS: dict[str, tuple[int, int, int]] = {
    LOCATION: (0, 114, 178),
    PLATFORM: (86, 180, 233),
    RECRUITER: (213, 94, 0),
    ORG: (0, 158, 115),
    PERSON: (204, 121, 167),
    CRIME: (230, 159, 0),
    DOCUMENT_TYPE: (153, 153, 153),
}


def _dated(data: dict) -> None:
    # Gephi reads an empty start or end as a bad date; leave missing ones out.
    if data.get("first_seen"):
        data["start"] = data["first_seen"]
    if data.get("last_seen"):
        data["end"] = data["last_seen"]


def _drawn_nodes(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    for _, data in G.nodes(data=True):
        _dated(data)
        r, g, b = COLOURS.get(str(data.get("type")), (0, 0, 0))
        size = 4.0 + 4.0 * math.log1p(float(data.get("mentions", 0) or 0))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": size}
    return G


def _directed_edges(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    for _, _, data in G.edges(data=True):
        _dated(data)
        # Edge "type" is GEXF's direction. All edges stay directed, because readers
        # (networkx among them) refuse mixed graphs; "directed" says which really are.
        data["relation"] = data.pop("type")
    return G


def write(graph: ExportGraph, output: Path) -> list[Path]:
    """networkx's GEXF, made a piece at a time (``graph.export.graph``): its writer
    declares each attribute as it first meets it and marks the graph dynamic at the
    first date, so the head of the file is written last, from what it gathered."""
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.xml.set("xmlns:viz", writer.NS_VIZ)
    viz_declared = f' xmlns:viz="{writer.NS_VIZ}"'.encode()
    writer.graph_element = Element("graph", defaultedgetype="directed", mode="static",
                                   name="")

    def serialised(pieces, add) -> Iterator[bytes]:
        for piece in pieces:
            holder = Element("graph")
            add(piece, holder)
            for element in holder[0]:
                writer.indent(element, level=3)
                # The viz namespace is declared once, on the root.
                yield tostring(element, encoding="utf-8").replace(viz_declared, b"")

    def skeleton(nodes: Element, edges: Element) -> Element:
        SubElement(writer.graph_element, "nodes").append(nodes)
        SubElement(writer.graph_element, "edges").append(edges)
        writer.xml.append(writer.graph_element)
        return writer.xml

    write_in_pieces(output, serialised(map(_drawn_nodes, node_pieces(graph)), writer.add_nodes),
                    serialised(map(_directed_edges, edge_pieces(graph)), writer.add_edges),
                    skeleton, writer.indent)
    return [output]
