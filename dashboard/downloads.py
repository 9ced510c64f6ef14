"""Graph exports as one downloadable file each, built by ``graph.export`` (the
same writers ``scamtrace export`` uses) in a temporary folder and read back.

CSV is three tables (nodes, edges, evidence), so it comes as one zip.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graph.export import FORMATS, export_graph, ftm, gexf, graphml, json
from graph.model import GraphStore
from ingest.errors import ConfigError

# What the browser is told each format is, and the file name it ends with.
MIME = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "application/zip",
    "json": "application/json",
    "ftm": "application/x-ndjson",  # one FollowTheMoney entity per line
}
SUFFIX = {"graphml": graphml.SUFFIX, "gexf": gexf.SUFFIX, "csv": ".csv.zip",
          "json": json.SUFFIX, "ftm": ftm.SUFFIX}


@dataclass(frozen=True)
class ExportDownload:
    format: str
    file_name: str
    mime: str
    content: bytes
    nodes: int
    edges: int
    documents: int

    def summary(self) -> str:
        return (f"{self.nodes} entities, {self.edges} relations, {self.documents} documents, "
                f"{len(self.content):,} bytes")


def export_file_name(format: str, since: str | None, until: str | None) -> str:
    """``scamtrace-graph-<since>-<until>`` and the format's suffix."""
    return f"scamtrace-graph-{since or 'start'}-{until or 'end'}{SUFFIX[format]}"


def export_download(
    store: GraphStore, format: str, since: str | None = None, until: str | None = None,
    labels: Iterable[str] | None = None,
) -> ExportDownload:
    """The graph in ``format`` (window ``since``..``until``, entities of ``labels``) as bytes.

    Raises ``ConfigError`` for an unknown format or label, like ``export_graph``.
    """
    if format not in FORMATS:
        raise ConfigError(f"export format {format!r}: must be one of {', '.join(FORMATS)}")
    name = export_file_name(format, since, until)
    with tempfile.TemporaryDirectory(prefix="scamtrace-export-") as folder:
        if format == "csv":
            report = export_graph(store, format, Path(folder) / "tables", since=since,
                                  until=until, labels=labels)
            content = _zipped(report.files, inside=name.removesuffix(SUFFIX["csv"]))
        else:
            output = Path(folder) / name
            report = export_graph(store, format, output, since=since, until=until,
                                  labels=labels)
            content = output.read_bytes()
    return ExportDownload(format=format, file_name=name, mime=MIME[format], content=content,
                          nodes=report.nodes, edges=report.edges, documents=report.documents)


def _zipped(files: Iterable[Path], inside: str) -> bytes:
    """The files in one zip, under a folder named ``inside`` (unzipping makes no mess)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=f"{inside}/{path.name}")
    return buffer.getvalue()
