"""CSV node and edge tables, for i2 Analyst's Notebook, Maltego and spreadsheets.

``--output`` is a folder that receives ``nodes.csv`` (id, label, name, type,
figures), ``edges.csv`` (id, source, target, type, label, weight, dates, the
newest evidence flattened as ``evidence_N_*`` and all of it as JSON) and
``evidence.csv`` (one row per piece of evidence, for the full trail).
"""

from __future__ import annotations

import csv
from pathlib import Path

from graph.export.collect import (
    EVIDENCE_FIELDS,
    FLAT_EVIDENCE,
    ExportGraph,
    document_node_id,
    document_record,
    edge_id,
    edge_record,
    evidence_record,
    mention_edges,
    mention_record,
    node_record,
)
from ingest.errors import StoreError

NODE_COLUMNS = ("id", "label", "name", "type", "aliases", "mentions", "documents",
                "first_seen", "last_seen", "lat", "lon", "url", "source", "published")
EDGE_COLUMNS = (
    "id", "source", "target", "type", "label", "directed", "mode", "via", "weight",
    "first_seen", "last_seen", "evidence_count",
    *(f"evidence_{n}_{field}" for n in range(1, FLAT_EVIDENCE + 1) for field in EVIDENCE_FIELDS),
    "evidence",
)
EVIDENCE_COLUMNS = ("edge_id", "source", "target", "type", *EVIDENCE_FIELDS)


def write(graph: ExportGraph, output: Path) -> list[Path]:
    if output.exists() and not output.is_dir():
        raise StoreError(f"CSV export {output}: must be a folder (it receives nodes.csv, "
                         "edges.csv and evidence.csv), not a file")
    output.mkdir(parents=True, exist_ok=True)
    nodes_path, edges_path, evidence_path = (
        output / "nodes.csv", output / "edges.csv", output / "evidence.csv")
    with _table(nodes_path, NODE_COLUMNS) as nodes:
        for node in graph.nodes:
            nodes.writerow({"id": node.key, **node_record(node)})
        for document in graph.documents:
            nodes.writerow({"id": document_node_id(document.id), **document_record(document)})
    with _table(edges_path, EDGE_COLUMNS) as edges:
        for edge in graph.edges:
            edges.writerow({"source": edge.source, "target": edge.target, **edge_record(edge)})
        for document_id, key in mention_edges(graph):
            edges.writerow({"source": document_id, "target": key,
                            **mention_record(document_id, key)})
    with _table(evidence_path, EVIDENCE_COLUMNS) as evidence:
        for edge in graph.edges:
            for item in edge.evidence:
                evidence.writerow({"edge_id": edge_id(edge), "source": edge.source,
                                   "target": edge.target, "type": edge.type,
                                   **evidence_record(item)})
    return [nodes_path, edges_path, evidence_path]


class _table:
    """A CSV file with a header, written as UTF-8 with a BOM so Excel reads the names."""

    def __init__(self, path: Path, columns: tuple[str, ...]) -> None:
        self.path, self.columns = path, columns

    def __enter__(self) -> csv.DictWriter:
        self.fh = self.path.open("w", encoding="utf-8-sig", newline="")
        writer = csv.DictWriter(self.fh, fieldnames=self.columns, extrasaction="ignore")
        writer.writeheader()
        return writer

    def __exit__(self, *exc_info: object) -> None:
        self.fh.close()
