"""What the graph holds and what its queries return.

Both backends (embedded SQLite + networkx, and Neo4j) implement
``GraphStore`` and return these same records, so the dashboard, the
briefings and the exports never know which one they talk to.

Conventions shared by both backends:

* An entity's key is ``LABEL:canonical name`` (``nlp.records.entity_key``).
* An edge is identified by (type, source, target, mode); CO_OCCURS is
  undirected and stored with ``source < target``. ``weight`` is the number of
  distinct pieces of evidence, ``first_seen``/``last_seen`` their min/max date.
* Only relevant documents contribute entities and relations; off-topic
  documents are kept as documents with ``relevant=False`` and nothing else.
* Dates are ISO ``YYYY-MM-DD`` strings; a window ``since``/``until`` is
  inclusive and either end may be ``None``.
* Every list a query returns has a deterministic order (documented per
  method), so the two backends can be compared result for result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Evidence:
    """The sentence behind an edge, and where it came from."""

    doc_id: str
    sentence: str
    date: str
    title: str = ""
    url: str = ""
    source: str = ""


@dataclass(frozen=True)
class EntityNode:
    key: str
    label: str
    name: str
    mentions: int = 0  # mentions in relevant documents (all time, or in the window asked)
    documents: int = 0  # distinct relevant documents mentioning it
    first_seen: str = ""
    last_seen: str = ""
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    type: str
    source: str
    target: str
    mode: str = ""
    via: tuple[str, ...] = ()
    weight: int = 0
    first_seen: str = ""
    last_seen: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str
    url: str
    source: str
    published: str
    relevant: bool
    language: str = "en"
    entities: tuple[str, ...] = ()  # entity keys, sorted


@dataclass(frozen=True)
class Subgraph:
    nodes: tuple[EntityNode, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class EntityProfile:
    entity: EntityNode
    mentions_by_month: tuple[tuple[str, int], ...]  # ("YYYY-MM", count), ascending
    neighbours: tuple[tuple[EntityNode, Edge], ...]  # by edge weight desc, then key
    documents: tuple[DocumentSummary, ...]  # newest first


@dataclass(frozen=True)
class Overview:
    documents: int
    relevant_documents: int
    entities: int
    relations: int
    newest_documents: tuple[DocumentSummary, ...]
    top_entities: tuple[EntityNode, ...]  # most mentioned in the window
    first_seen: tuple[EntityNode, ...]  # entities whose first mention falls in the window


@dataclass(frozen=True)
class EntityPath:
    """One path between two entities: its node keys in walking order and the edge of
    every hop (each edge keeps its own source and target, whichever way it is walked)."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]

    @property
    def hops(self) -> int:
        return len(self.edges)


# What a sync writes: plain rows, so both backends can MERGE/UPSERT them.
@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str
    url: str
    source: str
    published: str
    relevant: bool
    language: str = "en"


@dataclass(frozen=True)
class EntityRow:
    key: str
    label: str
    name: str
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class MentionRow:
    doc_id: str
    entity: str  # entity key
    count: int
    date: str


@dataclass(frozen=True)
class EvidenceRow:
    type: str
    source: str
    target: str
    mode: str
    via: tuple[str, ...]
    doc_id: str
    sentence_index: int
    sentence: str
    date: str


@dataclass(frozen=True)
class GraphBatch:
    documents: tuple[DocumentRow, ...] = ()
    entities: tuple[EntityRow, ...] = ()
    mentions: tuple[MentionRow, ...] = ()
    evidence: tuple[EvidenceRow, ...] = ()
    high_water_mark: int | None = None  # stored atomically with the batch
    extra: dict = field(default_factory=dict)
    # Whose mark moves: "" for a graph fed by one data directory; a name per
    # worker when several write one shared graph (each counts its own seqs).
    writer: str = ""


# Edges of a neighbourhood at most: 150 nodes around a hub of a year's news are joined by
# ~9,000 edges, which no one can read in a drawing and which cost most of the query.
NEIGHBOURHOOD_EDGES = 1000
# Paths between two entities at most: a dense graph can have thousands of equally short
# ones, and 25 are enough to read.
MAX_PATHS = 25


@runtime_checkable
class GraphStore(Protocol):
    """The graph, whichever backend holds it."""

    backend: str  # "embedded" or "neo4j"

    # -- writing -------------------------------------------------------
    def upsert(self, batch: GraphBatch) -> None:
        """Write a batch idempotently; the high-water mark moves with it."""

    def high_water_mark(self, writer: str = "") -> int:
        """The sequence number of ``writer``'s last extraction written (0 when none)."""

    def clear(self) -> None:
        """Remove everything, every writer's high-water mark included."""

    def data_version(self) -> int:
        """A number that changes whenever the graph does (every upsert and clear):
        what caches of query results are keyed by."""

    def close(self) -> None: ...

    # -- queries (the dashboard and exports call these and nothing lower) --
    def counts(self) -> dict:
        """{"documents", "relevant_documents", "entities": {label: n},
        "relations": {type: n}} — relations count distinct edges."""

    def search_entities(
        self, query: str, label: str | None = None, limit: int = 20
    ) -> list[EntityNode]:
        """Entities whose name or an alias contains ``query`` (case-insensitive);
        exact name matches first, then by mentions desc, then key."""

    def entity(self, key: str) -> EntityNode | None: ...

    def entity_profile(
        self, key: str, since: str | None = None, until: str | None = None,
        neighbour_limit: int = 50, evidence_limit: int = 5,
    ) -> EntityProfile | None: ...

    def neighbourhood(
        self, key: str, depth: int = 1, labels: tuple[str, ...] | None = None,
        since: str | None = None, until: str | None = None, limit: int = 200,
        edge_limit: int = NEIGHBOURHOOD_EDGES,
    ) -> Subgraph:
        """Entities within ``depth`` hops over entity-entity edges seen in the
        window, restricted to ``labels`` (the centre is always kept), and the
        edges among them, at most ``edge_limit`` (the strongest)."""

    def shortest_path(self, source: str, target: str, max_hops: int = 6) -> list[Edge]:
        """One shortest path as a list of edges, each with its evidence, in
        hop order from ``source`` to ``target``; [] when none. Ties are broken
        by the lexicographically smallest sequence of node keys."""

    def paths(
        self, source: str, target: str, max_hops: int = 6,
        types: tuple[str, ...] | None = None, limit: int = MAX_PATHS,
        evidence_limit: int | None = None,
    ) -> list[EntityPath]:
        """Every shortest path (all dates, direction ignored) from ``source`` to
        ``target`` through relations of ``types`` (all entity-entity types when None),
        at most ``limit`` of them, in lexicographic order of their node keys; [] when
        either end is unknown, the ends are equal, or every path needs more than
        ``max_hops`` hops. Each hop goes through the strongest relation of ``types``
        between its two entities (``graph.analysis.strongest_relation``), given as
        ``edges(types, evidence_limit=evidence_limit)`` gives it: the same answer as
        ``graph.links.all_shortest_paths(edges(types, evidence_limit=...), ...)``
        without reading the whole graph."""

    def top_entities(
        self, label: str, since: str | None = None, until: str | None = None, limit: int = 10
    ) -> list[EntityNode]:
        """Most mentioned entities of ``label`` in the window (mentions counted
        in the window), ties by key."""

    def documents(
        self, query: str = "", since: str | None = None, until: str | None = None,
        relevant_only: bool = False, entity: str | None = None, limit: int = 50, offset: int = 0,
    ) -> list[DocumentSummary]:
        """Documents whose title contains ``query``, newest first, then id."""

    def overview(
        self, since: str | None = None, until: str | None = None, limit: int = 10
    ) -> Overview: ...

    def edges(self, types: tuple[str, ...] | None = None, since: str | None = None,
              until: str | None = None, evidence_limit: int | None = None,
              limit: int | None = None) -> list[Edge]:
        """All entity-entity edges of ``types`` seen in the window (for trends,
        maps and exports), or only the ``limit`` strongest when given (weight in
        the window desc, then type, source, target, mode), with their evidence in
        the window (the newest ``evidence_limit`` of it when given), ordered by
        (type, source, target, mode)."""

    def edge_count(self, types: tuple[str, ...] | None = None, since: str | None = None,
                   until: str | None = None) -> int:
        """How many edges ``edges(types, since, until)`` gives, without reading them."""
