"""Cytoscape.js elements JSON, which Cytoscape desktop imports too.

``{"data": {...}, "elements": {"nodes": [{"data": {...}}], "edges": [...]}}``;
JSON needs no flattening, so each edge's ``evidence`` is a list of objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from graph.export.collect import (
    ExportGraph,
    document_node_id,
    document_record,
    edge_record,
    evidence_record,
    mention_edges,
    mention_record,
    node_record,
)

SUFFIX = ".json"


def node_elements(graph: ExportGraph) -> Iterator[dict]:
    for node in graph.nodes:
        yield {"data": {"id": node.key, **node_record(node)}}
    for d in graph.documents:
        yield {"data": {"id": document_node_id(d.id), **document_record(d)}}


def edge_elements(graph: ExportGraph) -> Iterator[dict]:
    for edge in graph.edges:
        data = dict(edge_record(edge, flat_limit=0))
        data.update(source=edge.source, target=edge.target, via=list(edge.via),
                    evidence=[evidence_record(e) for e in edge.evidence])
        yield {"data": data}
    for document_id, key in mention_edges(graph):
        yield {"data": {"source": document_id, "target": key,
                        **mention_record(document_id, key)}}


def write(graph: ExportGraph, output: Path) -> list[Path]:
    """The document, one element a line, written as each is made: the whole 100k graph
    with its documents held as one object took 3.7 GB before it was written."""
    head = {
        "format_version": "1.0",
        "generated_by": "scamtrace",
        "target_cytoscapejs_version": "~3",
        "data": {"name": "scamtrace", "since": graph.since, "until": graph.until,
                 "labels": list(graph.labels)},
    }
    with output.open("w", encoding="utf-8") as fh:
        # The head's object is left open (its closing brace cut off) for the elements.
        fh.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "elements": {"nodes": [')
        _write_items(fh, node_elements(graph))
        fh.write('], "edges": [')
        _write_items(fh, edge_elements(graph))
        fh.write("]}}\n")
    return [output]


def _write_items(fh, items: Iterator[dict]) -> None:
    """A JSON list's items, one a line."""
    for i, item in enumerate(items):
        fh.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
    fh.write("\n")
