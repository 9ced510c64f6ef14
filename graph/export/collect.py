"""What an export holds, read through the ``GraphStore`` protocol only.

Every format writes the same ``ExportGraph``: the entities, the
entity-entity edges with all their evidence, and (when asked) the relevant
documents with the entities they mention. Reading goes through ``counts``,
``top_entities``, ``entity``, ``edges`` and ``documents``, so an export works
on either backend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.model import DocumentSummary, Edge, EntityNode, Evidence, GraphStore
from ingest.errors import ConfigError
from nlp.taxonomy import CO_OCCURS, ENTITY_LABELS, MENTIONS, ROUTE

DOCUMENT_TYPE = "DOCUMENT"  # node type of a document in the graph formats
DOCUMENT_PAGE = 10_000  # per call: each page skips those before it (see graph.trends._PAGE)

# Characters XML 1.0 cannot hold, even escaped; source text may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class ExportGraph:
    """One export's content; ``documents`` is empty unless documents were asked for."""

    nodes: tuple[EntityNode, ...]
    edges: tuple[Edge, ...]
    documents: tuple[DocumentSummary, ...] = ()
    since: str | None = None
    until: str | None = None
    labels: tuple[str, ...] = ENTITY_LABELS


def collect_graph(
    store: GraphStore,
    since: str | None = None,
    until: str | None = None,
    labels: Iterable[str] | None = None,
    documents: bool = False,
) -> ExportGraph:
    """Entities of ``labels`` mentioned or related in the window, the edges between them
    (with all their evidence in the window), and with ``documents`` the relevant documents
    published in the window. Node figures count the window; an edge end with no mention in
    the window carries its all-time figures."""
    wanted = tuple(ENTITY_LABELS if labels is None else dict.fromkeys(labels))
    unknown = [label for label in wanted if label not in ENTITY_LABELS]
    if unknown:
        raise ConfigError(
            f"export label(s) {', '.join(unknown)}: must be among {', '.join(ENTITY_LABELS)}")
    # GraphStore has no "all entities" query: top_entities with the label's total as the
    # limit lists every entity mentioned in the window.
    per_label = store.counts().get("entities", {})
    nodes: dict[str, EntityNode] = {}
    for label in wanted:
        total = per_label.get(label, 0)
        if total:
            for node in store.top_entities(label, since=since, until=until, limit=total):
                nodes[node.key] = node
    edges = [e for e in store.edges(since=since, until=until)
             if _label_of(e.source) in wanted and _label_of(e.target) in wanted]
    for key in sorted({k for e in edges for k in (e.source, e.target)} - set(nodes)):
        node = store.entity(key)
        if node is not None:
            nodes[key] = node
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    docs: list[DocumentSummary] = []
    if documents:
        docs = _all_documents(store, since, until)
    return ExportGraph(
        nodes=tuple(sorted(nodes.values(), key=lambda n: (n.label, n.name, n.key))),
        edges=tuple(edges),
        documents=tuple(docs),
        since=since,
        until=until,
        labels=wanted,
    )


def _all_documents(store: GraphStore, since: str | None, until: str | None
                   ) -> list[DocumentSummary]:
    found: list[DocumentSummary] = []
    while True:
        page = store.documents(since=since, until=until, relevant_only=True,
                               limit=DOCUMENT_PAGE, offset=len(found))
        found.extend(page)
        if len(page) < DOCUMENT_PAGE:
            return found


def _label_of(key: str) -> str:
    return key.split(":", 1)[0]


# -- shared by the formats ----------------------------------------------------

def edge_id(edge: Edge) -> str:
    """A stable id for an edge: its identity (type, source, target, mode)."""
    return "|".join((edge.type, edge.source, edge.target, edge.mode))


def document_node_id(doc_id: str) -> str:
    return f"{DOCUMENT_TYPE}:{doc_id}"


def edge_label(edge: Edge) -> str:
    """What a viewer shows on an edge: the relation, a route's mode and its via."""
    if edge.type != ROUTE:
        return edge.type
    text = f"{edge.type} ({edge.mode or 'unknown'})"
    return f"{text} via {', '.join(edge.via)}" if edge.via else text


def mention_edges(graph: ExportGraph) -> list[tuple[str, str]]:
    """(document node id, entity key) for every exported document's exported entities."""
    kept = {n.key for n in graph.nodes}
    return [(document_node_id(d.id), key) for d in graph.documents for key in d.entities
            if key in kept]


def evidence_record(evidence: Evidence) -> dict[str, str]:
    return {"doc_id": evidence.doc_id, "date": evidence.date, "title": evidence.title,
            "url": evidence.url, "source": evidence.source, "sentence": evidence.sentence}


def evidence_json(edge: Edge) -> str:
    """All of an edge's evidence as one JSON string, for formats with flat attributes."""
    return json.dumps([evidence_record(e) for e in edge.evidence], ensure_ascii=False)


def flat_evidence(edge: Edge, limit: int) -> dict[str, str]:
    """The newest ``limit`` evidence as ``evidence_N_field`` attributes (N from 1)."""
    flat: dict[str, str] = {}
    for n, evidence in enumerate(edge.evidence[:limit], start=1):
        for field, value in evidence_record(evidence).items():
            flat[f"evidence_{n}_{field}"] = value
    return flat


EVIDENCE_FIELDS = ("doc_id", "date", "title", "url", "source", "sentence")
FLAT_EVIDENCE = 3  # evidence_N_* attributes per edge in flat formats (all are in "evidence")


def node_record(node: EntityNode) -> dict[str, object]:
    """An entity as flat attributes: ``label`` is what a viewer shows, ``type`` the taxonomy
    label. Coordinates only when known."""
    record: dict[str, object] = {
        "label": node.name, "name": node.name, "type": node.label, "key": node.key,
        "mentions": node.mentions, "documents": node.documents,
        "first_seen": node.first_seen, "last_seen": node.last_seen,
        "aliases": "; ".join(node.aliases),
    }
    if node.lat is not None and node.lon is not None:
        record["lat"] = float(node.lat)
        record["lon"] = float(node.lon)
    return record


def document_record(document: DocumentSummary) -> dict[str, object]:
    return {"label": document.title, "name": document.title, "type": DOCUMENT_TYPE,
            "key": document.id, "url": document.url, "source": document.source,
            "published": document.published, "language": document.language,
            "first_seen": document.published, "last_seen": document.published}


def edge_record(edge: Edge, flat_limit: int = FLAT_EVIDENCE) -> dict[str, object]:
    """An edge as flat attributes, its evidence both as JSON and as ``evidence_N_*``."""
    return {
        "id": edge_id(edge), "type": edge.type, "label": edge_label(edge), "mode": edge.mode,
        "via": "; ".join(edge.via), "directed": edge.type != CO_OCCURS, "weight": edge.weight,
        "first_seen": edge.first_seen, "last_seen": edge.last_seen,
        "evidence_count": len(edge.evidence), "evidence": evidence_json(edge),
        **flat_evidence(edge, flat_limit),
    }


def mention_record(document_id: str, key: str) -> dict[str, object]:
    return {"id": f"{MENTIONS}|{document_id}|{key}", "type": MENTIONS, "label": MENTIONS,
            "directed": True, "weight": 1}
