"""GraphML, for yEd, Cytoscape and anything networkx reads.

Attributes are flat: evidence travels as one JSON string (``evidence``) and the
newest few as ``evidence_N_sentence``, ``evidence_N_url`` and so on.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.export.collect import ExportGraph
from graph.export.graph import export_networkx, xml_safe_graph

SUFFIX = ".graphml"


def write(graph: ExportGraph, output: Path) -> list[Path]:
    nx.write_graphml(xml_safe_graph(export_networkx(graph)), output, encoding="utf-8",
                     prettyprint=True)
    return [output]
