"""GEXF 1.2, for Gephi.

Nodes and edges carry ``start``/``end`` (first and last seen), so Gephi's
timeline can play the graph over time; nodes are coloured by label and sized
by mentions. GEXF reserves an edge's ``type`` for its direction, so the
relation is in ``relation``; CO_OCCURS edges are written source -> target
with ``directed`` false.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from graph.export.collect import DOCUMENT_TYPE, ExportGraph
from graph.export.graph import export_networkx, xml_safe_graph
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


def write(graph: ExportGraph, output: Path) -> list[Path]:
    G = xml_safe_graph(export_networkx(graph))
    for _, data in G.nodes(data=True):
        _dated(data)
        r, g, b = COLOURS.get(str(data.get("type")), (0, 0, 0))
        size = 4.0 + 4.0 * math.log1p(float(data.get("mentions", 0) or 0))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": size}
    for _, _, data in G.edges(data=True):
        _dated(data)
        # Edge "type" is GEXF's direction. All edges stay directed, because readers
        # (networkx among them) refuse mixed graphs; "directed" says which really are.
        data["relation"] = data.pop("type")
    nx.write_gexf(G, output, encoding="utf-8", prettyprint=True, version="1.2draft")
    return [output]
