"""The export as networkx graphs, shared by the GraphML and GEXF writers.

The writers take the export in pieces of ``PIECE`` nodes or edges: networkx's
writers build the XML of all they are given before writing any of it, which for a
whole graph of 100,000 documents took more than 10 GB (GEXF with its documents).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

import networkx as nx

from graph.export.collect import (
    ExportGraph,
    document_node_id,
    document_record,
    edge_record,
    mention_edges,
    mention_record,
    node_record,
    xml_safe,
)

PIECE = 2_000  # nodes or edges whose XML is made, written and let go at a time


def _clean(data: dict) -> dict:
    return {k: xml_safe(v) if isinstance(v, str) else v for k, v in data.items()}


def _pieces(items: Iterable, size: int) -> Iterator[list]:
    items = iter(items)
    while piece := list(islice(items, size)):
        yield piece


def node_pieces(graph: ExportGraph) -> Iterator[nx.MultiDiGraph]:
    """Entities, then documents, as graphs of ``PIECE`` nodes with their records (ids and
    text reduced to what XML can hold)."""
    records = chain(((n.key, node_record(n)) for n in graph.nodes),
                    ((document_node_id(d.id), document_record(d)) for d in graph.documents))
    for piece in _pieces(records, PIECE):
        G = nx.MultiDiGraph()
        G.add_nodes_from((xml_safe(key), _clean(record)) for key, record in piece)
        yield G


def edge_pieces(graph: ExportGraph) -> Iterator[nx.MultiDiGraph]:
    """Relations (one edge each, keyed by its id, so parallel ones stay apart), then each
    document's mentions, as graphs of ``PIECE`` edges; their end nodes carry no data."""
    records = chain(((e.source, e.target, edge_record(e)) for e in graph.edges),
                    ((d, k, mention_record(d, k)) for d, k in mention_edges(graph)))
    for piece in _pieces(records, PIECE):
        G = nx.MultiDiGraph()
        G.add_edges_from((xml_safe(u), xml_safe(v), xml_safe(r["id"]), _clean(r))
                         for u, v, r in piece)
        yield G


def write_in_pieces(output: Path, nodes: Iterable[bytes], edges: Iterable[bytes],
                    skeleton: Callable[[Element, Element], Element],
                    indent: Callable[[Element], None]) -> None:
    """Write ``nodes`` and ``edges`` (serialised elements, made as they are read) to
    temporary files beside ``output``, then the document around them: ``skeleton(nodes
    place, edges place)`` gives its root, built only now (the writers declare attributes
    as they meet them) and holding the two places where the parts go."""
    with tempfile.TemporaryFile(dir=output.parent) as node_part, \
            tempfile.TemporaryFile(dir=output.parent) as edge_part:
        node_part.writelines(nodes)
        edge_part.writelines(edges)
        places = {name: Element(f"scamtrace-part-{name}") for name in ("nodes", "edges")}
        root = skeleton(places["nodes"], places["edges"])
        indent(root)
        text = b"<?xml version='1.0' encoding='utf-8'?>\n" + tostring(root, encoding="utf-8")
        with output.open("wb") as out:
            for name, part in (("nodes", node_part), ("edges", edge_part)):
                before, found, text = text.partition(tostring(places[name], encoding="utf-8"))
                if not found:
                    raise ValueError(f"no place for the {name} in the document")
                out.write(before)
                part.seek(0)
                while block := part.read(1 << 20):
                    out.write(block)
            out.write(text)
