"""GraphML, for yEd, Cytoscape and anything networkx reads.

Attributes are flat: evidence travels as one JSON string (``evidence``) and the
newest few as ``evidence_N_sentence``, ``evidence_N_url`` and so on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

from networkx.readwrite.graphml import GraphMLWriter

from graph.export.collect import ExportGraph
from graph.export.graph import edge_pieces, node_pieces, write_in_pieces

SUFFIX = ".graphml"


def write(graph: ExportGraph, output: Path) -> list[Path]:
    """networkx's GraphML, made a piece at a time (``graph.export.graph``): its writer
    declares each key as it first meets it, so the head of the file is written last."""
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)

    def with_data() -> None:
        # networkx gathers an element's data first (to generalise types across all of
        # them, which it does not do unless asked); write it out now.
        for element, data in writer.attributes.items():
            for name, value, scope, default in data:
                element.append(writer.add_data(str(name), writer.attr_type(name, scope, value),
                                               str(value), scope, default))
        writer.attributes.clear()

    def serialised(pieces, add) -> Iterator[bytes]:
        for piece in pieces:
            holder = Element("graph")
            add(piece, holder)
            with_data()
            for element in holder:
                writer.indent(element, level=2)
                yield tostring(element, encoding="utf-8")

    graph_element = Element("graph", edgedefault="directed")
    writer.add_attributes("graph", graph_element, {
        "generator": "scamtrace", "since": graph.since or "", "until": graph.until or ""}, {})
    with_data()

    def skeleton(nodes: Element, edges: Element) -> Element:
        graph_element.extend([nodes, edges])
        writer.xml.append(graph_element)
        return writer.xml

    write_in_pieces(output, serialised(node_pieces(graph), writer.add_nodes),
                    serialised(edge_pieces(graph), writer.add_edges), skeleton, writer.indent)
    return [output]
