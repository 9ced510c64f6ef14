"""Cytoscape.js elements JSON, which Cytoscape desktop imports too.

``{"data": {...}, "elements": {"nodes": [{"data": {...}}], "edges": [...]}}``;
JSON needs no flattening, so each edge's ``evidence`` is a list of objects.
"""

from __future__ import annotations

import json
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


def elements(graph: ExportGraph) -> dict:
    nodes = [{"data": {"id": node.key, **node_record(node)}} for node in graph.nodes]
    nodes += [{"data": {"id": document_node_id(d.id), **document_record(d)}}
              for d in graph.documents]
    edges = []
    for edge in graph.edges:
        data = {key: value for key, value in edge_record(edge, flat_limit=0).items()}
        data.update(source=edge.source, target=edge.target, via=list(edge.via),
                    evidence=[evidence_record(e) for e in edge.evidence])
        edges.append({"data": data})
    for document_id, key in mention_edges(graph):
        edges.append({"data": {"source": document_id, "target": key,
                               **mention_record(document_id, key)}})
    return {
        "format_version": "1.0",
        "generated_by": "scamtrace",
        "target_cytoscapejs_version": "~3",
        "data": {"name": "scamtrace", "since": graph.since, "until": graph.until,
                 "labels": list(graph.labels)},
        "elements": {"nodes": nodes, "edges": edges},
    }


def write(graph: ExportGraph, output: Path) -> list[Path]:
    with output.open("w", encoding="utf-8") as fh:
        json.dump(elements(graph), fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return [output]
