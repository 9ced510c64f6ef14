"""Exports of the graph for other tools, one module per format (as FollowTheMoney does).

``export_graph(store, "gexf", path)`` reads the graph through the ``GraphStore``
protocol (``graph.export.collect``) and writes one format:

* ``graphml`` - GraphML for yEd and Cytoscape (``graph.export.graphml``);
* ``gexf``    - GEXF 1.2 for Gephi, with a timeline (``graph.export.gexf``);
* ``csv``     - node, edge and evidence tables for i2 and Maltego (``graph.export.csv``);
* ``json``    - Cytoscape.js elements (``graph.export.json``);
* ``ftm``     - FollowTheMoney entities, one JSON per line, for Aleph (``graph.export.ftm``).

Evidence travels with every edge: sentence, document id, title, link, date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from graph.export import csv, ftm, gexf, graphml, json
from graph.export.collect import ExportGraph, collect_graph
from graph.model import GraphStore
from ingest.errors import ConfigError, StoreError


@dataclass(frozen=True)
class ExportFormat:
    name: str
    write: Callable[[ExportGraph, Path], list[Path]]
    description: str
    documents: bool  # include documents unless told otherwise


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("graphml", graphml.write, "GraphML for yEd and Cytoscape", False),
        ExportFormat("gexf", gexf.write, "GEXF 1.2 for Gephi (with a timeline)", False),
        ExportFormat("csv", csv.write, "a folder of nodes.csv, edges.csv, evidence.csv "
                     "for i2 and Maltego", False),
        ExportFormat("json", json.write, "Cytoscape.js elements JSON", False),
        ExportFormat("ftm", ftm.write, "FollowTheMoney entities (JSON lines) for Aleph", True),
    )
}


@dataclass(frozen=True)
class ExportReport:
    format: str
    files: tuple[Path, ...]
    nodes: int
    edges: int
    documents: int

    def summary(self) -> str:
        return (f"{self.format}: {self.nodes} entities, {self.edges} relations, "
                f"{self.documents} documents -> {', '.join(str(p) for p in self.files)}")


def export_graph(
    store: GraphStore,
    format: str,
    output: Path,
    since: str | None = None,
    until: str | None = None,
    labels: Iterable[str] | None = None,
    documents: bool | None = None,
) -> ExportReport:
    """Write the graph (window ``since``..``until``, entities of ``labels``) to ``output``."""
    if format not in FORMATS:
        raise ConfigError(f"export format {format!r}: must be one of {', '.join(FORMATS)}")
    chosen = FORMATS[format]
    output = Path(output)
    if not output.parent.is_dir():
        raise StoreError(f"export {output}: folder {output.parent} does not exist")
    graph = collect_graph(store, since=since, until=until, labels=labels,
                          documents=chosen.documents if documents is None else documents)
    try:
        files = chosen.write(graph, output)
    except OSError as exc:
        raise StoreError(f"export {output}: cannot be written ({exc.strerror})") from exc
    return ExportReport(format=format, files=tuple(files), nodes=len(graph.nodes),
                        edges=len(graph.edges), documents=len(graph.documents))


__all__ = ["FORMATS", "ExportGraph", "ExportReport", "collect_graph", "export_graph"]
