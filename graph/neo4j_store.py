"""The Neo4j graph backend: the same records as the embedded store, from a server.

The model (what a user sees in Neo4j Browser):

* ``(:Document {id, title, url, source, published, relevant, language,
  title_folded})`` for every document synced, relevant or not;
* ``(:Entity {key, label, name, lat, lon, aliases, search_text, mentions,
  documents, first_seen, last_seen})`` one per canonical entity, with the
  same derived all-time figures as the embedded ``entities`` table;
* ``(:Document)-[:MENTIONS {count, date}]->(:Entity)``;
* one relationship per edge (type, source, target, mode), of the relation
  type itself (``(:Entity)-[:ROUTE {edge, mode, via, weight, first_seen,
  last_seen, dates}]->(:Entity)``); ``edge`` is the edge's identity as one
  string, ``dates`` the sorted dates of its evidence (one per piece), so a
  window test or a windowed weight needs no other read;
* ``(:Evidence {id, edge, type, source, target, mode, doc_id,
  sentence_index, sentence, date, via})`` one node per piece of evidence,
  found by ``edge`` (indexed, and with ``date`` for an edge's window), ``doc_id``
  and ``date``; indexes added later are made when an older database is opened;
* ``(:OpenRoute {...})`` ROUTE statements with an unnamed end, set aside as the
  embedded store's ``open_routes`` table;
* derived per-day rollups, which window figures and rankings sum instead of
  reading every mention and piece of evidence in the window (a 90-day window of
  a year's news is ~370,000 of each), as the embedded store's day tables:
  ``(:EntityDay {entity, label, date, mentions, documents})`` per entity and
  mention date, ``(:EdgeDay {edge, type, date, n})`` per edge and evidence
  date, and ``(:TrendDay {kind, key, day, n})``, the embedded ``trend_days``
  (relevant documents per day, (document, entity) pairs per label, (document,
  edge) pairs per relation type and mode). ``upsert`` moves them by what its
  documents took away and added, ``clear`` removes them, and a database written
  before them has them worked out once when opened (``rollups`` on the meta node);
* ``(:GraphMeta {name: 'graph', high_water_mark, version, schema, rollups})``, and
  ``(:GraphMeta {name: 'writer:NAME', high_water_mark})`` per named writer
  when several data directories feed one shared graph.

Writing follows the embedded backend step for step (see ``graph.embedded``):
``upsert`` normalises the batch, then in ONE transaction replaces the
contribution of the batch's documents, merges documents and entities (a new
coordinate wins, aliases united), recomputes the figures of what it touched,
drops edges without evidence and entities nothing refers to, and moves the
high-water mark on the meta node. Every statement is parameterised; the only
names put into Cypher text are relation types checked against
``nlp.taxonomy.ENTITY_RELATION_TYPES`` and fixed property names.

Queries return what ``EmbeddedGraphStore`` returns, result for result: the
figures of a window are computed the same way, ties are broken on the same
keys, and final orders are applied in Python (so string order is Python's,
as SQLite's is). Entity search uses the full-text index as a candidate
filter for one-word ASCII queries and the text index (``CONTAINS``) for the
rest, then applies the embedded store's exact substring test and order.
Neighbourhoods and shortest paths walk the graph hop by hop on the server
and use ``graph.analysis`` for the tie-breaks.

Strings compare by UTF-16 unit in Neo4j and by code point in Python; they
differ only between characters beyond U+FFFF and those in U+E000-U+FFFF, and
only a ``LIMIT`` applied on the server could then cut differently.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from graph.analysis import RelationSummary, build_graph
from graph.batch import (
    NO_FIGURES,
    OPEN_ROUTES,
    Figures,
    fold,
    merged_aliases,
    normalise_batch,
    updated_figures,
)
from graph.embedded import (
    NEIGHBOURHOOD_EDGES,
    NEIGHBOURHOOD_EVIDENCE,
    PATH_EVIDENCE,
    PROFILE_DOCUMENTS,
)
from graph.links import (
    MAX_PATHS,
    EntityPath,
    hop_relations,
    shortest_node_paths,
    shortest_path_graph,
    with_edges,
)
from graph.model import (
    DocumentSummary,
    Edge,
    EntityNode,
    EntityProfile,
    Evidence,
    GraphBatch,
    Overview,
    Subgraph,
)
from ingest.errors import StoreError
from nlp.taxonomy import ENTITY_RELATION_TYPES

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
# Which rollups a database holds: one with another value (or none) has them worked
# out from its mentions and evidence when opened.
ROLLUP_VERSION = "1"
ROLLUP_LABELS = ("EntityDay", "EdgeDay", "TrendDay")
FILL_CHUNK = 2_000  # documents per transaction when filling the rollups
META = "graph"  # name of the one GraphMeta node
WRITER_PREFIX = "writer:"  # GraphMeta nodes holding a named writer's high-water mark


def _mark_node(writer: str) -> str:
    """The GraphMeta node that holds ``writer``'s mark (the main one for the default)."""
    return f"{WRITER_PREFIX}{writer}" if writer else META
FULLTEXT_INDEX = "scamtrace_entity_names"
WORD = re.compile(r"[a-z0-9]+")  # queries the full-text index can answer as *word*
DELETE_CHUNK = 10_000  # nodes per transaction when clearing

SCHEMA_STATEMENTS = (
    "CREATE CONSTRAINT scamtrace_entity_key IF NOT EXISTS "
    "FOR (e:Entity) REQUIRE e.key IS UNIQUE",
    "CREATE CONSTRAINT scamtrace_document_id IF NOT EXISTS "
    "FOR (d:Document) REQUIRE d.id IS UNIQUE",
    "CREATE CONSTRAINT scamtrace_evidence_id IF NOT EXISTS "
    "FOR (v:Evidence) REQUIRE v.id IS UNIQUE",
    "CREATE CONSTRAINT scamtrace_meta_name IF NOT EXISTS "
    "FOR (m:GraphMeta) REQUIRE m.name IS UNIQUE",
    "CREATE INDEX scamtrace_entity_label IF NOT EXISTS FOR (e:Entity) ON (e.label)",
    "CREATE INDEX scamtrace_entity_mentions IF NOT EXISTS FOR (e:Entity) ON (e.mentions)",
    "CREATE INDEX scamtrace_entity_first_seen IF NOT EXISTS FOR (e:Entity) ON (e.first_seen)",
    "CREATE TEXT INDEX scamtrace_entity_search IF NOT EXISTS FOR (e:Entity) ON (e.search_text)",
    f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
    "FOR (e:Entity) ON EACH [e.search_text]",
    "CREATE INDEX scamtrace_document_published IF NOT EXISTS "
    "FOR (d:Document) ON (d.published)",
    "CREATE TEXT INDEX scamtrace_document_title IF NOT EXISTS "
    "FOR (d:Document) ON (d.title_folded)",
    "CREATE INDEX scamtrace_mention_date IF NOT EXISTS FOR ()-[m:MENTIONS]-() ON (m.date)",
    "CREATE INDEX scamtrace_evidence_edge IF NOT EXISTS FOR (v:Evidence) ON (v.edge)",
    "CREATE INDEX scamtrace_evidence_doc IF NOT EXISTS FOR (v:Evidence) ON (v.doc_id)",
    "CREATE INDEX scamtrace_evidence_date IF NOT EXISTS FOR (v:Evidence) ON (v.date)",
    # An edge's evidence in a window, without reading a hub's whole history.
    "CREATE INDEX scamtrace_evidence_edge_date IF NOT EXISTS FOR (v:Evidence) ON (v.edge, v.date)",
    "CREATE INDEX scamtrace_open_route_doc IF NOT EXISTS FOR (o:OpenRoute) ON (o.doc_id)",
    # The rollups: found by item and day (an item's window), by day (a window's items;
    # the item is in the index too, so a window's count of items reads no node).
    "CREATE CONSTRAINT scamtrace_entity_day IF NOT EXISTS "
    "FOR (x:EntityDay) REQUIRE (x.entity, x.date) IS UNIQUE",
    "CREATE INDEX scamtrace_entity_day_window IF NOT EXISTS "
    "FOR (x:EntityDay) ON (x.date, x.entity)",
    "CREATE INDEX scamtrace_entity_day_label IF NOT EXISTS "
    "FOR (x:EntityDay) ON (x.label, x.date)",
    "CREATE CONSTRAINT scamtrace_edge_day IF NOT EXISTS "
    "FOR (x:EdgeDay) REQUIRE (x.edge, x.date) IS UNIQUE",
    "CREATE INDEX scamtrace_edge_day_window IF NOT EXISTS FOR (x:EdgeDay) ON (x.date, x.edge)",
    "CREATE INDEX scamtrace_edge_day_type_window IF NOT EXISTS "
    "FOR (x:EdgeDay) ON (x.type, x.date, x.edge)",
    "CREATE CONSTRAINT scamtrace_trend_day IF NOT EXISTS "
    "FOR (x:TrendDay) REQUIRE (x.kind, x.key, x.day) IS UNIQUE",
    "CREATE INDEX scamtrace_trend_day_kind IF NOT EXISTS FOR (x:TrendDay) ON (x.kind, x.day)",
    *(f"CREATE INDEX scamtrace_{t.lower()}_edge IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.edge)"
      for t in ENTITY_RELATION_TYPES),
)

NODE_FIELDS = ("e.key, e.label, e.name, e.lat, e.lon, e.aliases, e.mentions, e.documents, "
               "e.first_seen, e.last_seen")
DOC_FIELDS = "d.id, d.title, d.url, d.source, d.published, d.relevant, d.language"


def _edge_fields(since: str | None, until: str | None) -> str:
    """The tail of a query over relationship ``r`` from ``s`` to ``t``: the edge with its
    weight, first and last seen over the window (worked out on the server from the
    sorted ``dates``, so hubs do not ship their date lists)."""
    return (f"WITH r, s, t, [d IN coalesce(r.dates, []) WHERE true{_window('d', since, until)}]"
            " AS dates RETURN r.edge, type(r), s.key, t.key, r.mode, r.via, size(dates), "
            "dates[0], dates[-1]")


def _seen_in_window(since: str | None, until: str | None) -> str:
    """A test that relationship ``r`` has evidence in the window (one end at least given):
    its first or last date tell, unless the window lies strictly inside them; then one
    of its days does, found along the EdgeDay index, not in a hub's long date list."""
    if since is None:
        return "r.first_seen <= $until"
    if until is None:
        return "r.last_seen >= $since"
    return ("r.last_seen >= $since AND r.first_seen <= $until AND (r.first_seen >= $since "
            "OR r.last_seen <= $until OR EXISTS { MATCH (x:EdgeDay) WHERE x.edge = r.edge "
            "AND x.date >= $since AND x.date <= $until })")


def _where_seen(since: str | None, until: str | None) -> str:
    """A WHERE clause keeping relationships ``r`` with evidence in the window (none when
    the window is all time), so the window's figures are worked out for those only."""
    if since is None and until is None:
        return ""
    return f" WHERE {_seen_in_window(since, until)}"


def relation_type(name: str) -> str:
    """``name`` if it is an entity-entity relation type of the taxonomy (so it may be
    written into Cypher as a relationship type), else StoreError."""
    if name not in ENTITY_RELATION_TYPES:
        raise StoreError(f"relation type {name!r}: not one of {', '.join(ENTITY_RELATION_TYPES)}")
    return name


EDGE_SEPARATOR = "\x1f"


def edge_id(type_: str, source: str, target: str, mode: str) -> str:
    # \x1f cannot occur in keys built by the extractor; it keeps the parts apart.
    return EDGE_SEPARATOR.join((type_, source, target, mode))


def _search_text(name: str, aliases: Iterable[str]) -> str:
    # The same delimited text as the embedded store, so the same substring test applies.
    return "\x1f" + "\x1f".join([fold(name), *(fold(a) for a in aliases)]) + "\x1f"


def _window(expr: str, since: str | None, until: str | None) -> str:
    """An ``AND ...`` clause restricting ``expr`` (a fixed expression) to $since/$until."""
    clause = ""
    if since is not None:
        clause += f" AND {expr} >= $since"
    if until is not None:
        clause += f" AND {expr} <= $until"
    return clause


class _Relation:
    """An edge read from the server, with its figures over the window asked."""

    __slots__ = ("id", "type", "source", "target", "mode", "via", "weight", "first_seen",
                 "last_seen")

    def __init__(self, row: Sequence) -> None:
        """From a row of ``_edge_fields``."""
        self.id, self.type, self.source, self.target, self.mode = row[:5]
        self.via = tuple(row[5] or ())
        self.weight, self.first_seen, self.last_seen = row[6], row[7] or "", row[8] or ""

    @property
    def order(self) -> tuple[str, str, str, str]:
        return (self.type, self.source, self.target, self.mode)


class Neo4jGraphStore:
    """The knowledge graph in a Neo4j 5 database (see the module docstring)."""

    backend = "neo4j"

    def __init__(self, uri: str, user: str = "neo4j", password: str = "",
                 database: str | None = None, *, connection_timeout: float = 10.0,
                 retry_seconds: float = 10.0) -> None:
        self.uri = uri
        self.user = user
        self.database = database
        self._driver = None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password), connection_timeout=connection_timeout,
                connection_acquisition_timeout=connection_timeout * 2,
                max_transaction_retry_time=retry_seconds,
            )
            self._driver.verify_connectivity()
            self._ensure_schema()
        except StoreError:
            self.close()
            raise
        except (Neo4jError, DriverError, OSError, ValueError) as exc:
            self.close()
            raise StoreError(f"graph store {uri}: cannot be opened ({_cause(exc)})") from None

    def __repr__(self) -> str:
        return (f"Neo4jGraphStore(uri={self.uri!r}, user={self.user!r}, "
                f"database={self.database!r})")

    def __enter__(self) -> Neo4jGraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- plumbing -------------------------------------------------------
    def _run(self, what: str, work: Callable, *args: Any, write: bool = False) -> Any:
        """``work(tx, *args)`` in one managed transaction (retried on transient errors)."""
        if self._driver is None:
            raise StoreError(f"graph store {self.uri}: {what} failed (the store is closed)")
        try:
            with self._driver.session(database=self.database) as session:
                run = session.execute_write if write else session.execute_read
                return run(work, *args)
        except (Neo4jError, DriverError, OSError) as exc:
            raise StoreError(f"graph store {self.uri}: {what} failed ({_cause(exc)})") from None

    def _ensure_schema(self) -> None:
        with self._driver.session(database=self.database) as session:
            for statement in SCHEMA_STATEMENTS:
                session.run(statement).consume()
            session.run("CALL db.awaitIndexes(300)").consume()
            found, rollups = session.execute_write(_meta_schema)
        if found != SCHEMA_VERSION:
            raise StoreError(
                f"graph store {self.uri}: schema version {found}, this scamtrace reads "
                f"{SCHEMA_VERSION}; clear the database and run `scamtrace build --rebuild`")
        if rollups != ROLLUP_VERSION:
            self._fill_rollups()

    def _fill_rollups(self) -> None:
        """Work the rollups out from the stored mentions and evidence (a database written
        before them), a chunk of documents per transaction; the version is stored last,
        so a fill cut short starts again from nothing at the next open."""
        logger.info("graph store %s: working out the per-day rollups once", self.uri)
        for label in ROLLUP_LABELS:
            while self._run("filling the rollups", _delete_some, label, write=True):
                pass

        def add_chunk(tx, after: str) -> str | None:
            ids = [r[0] for r in tx.run(
                "MATCH (d:Document) WHERE d.id > $after RETURN d.id ORDER BY d.id LIMIT $n",
                after=after, n=FILL_CHUNK)]
            if not ids:
                return None
            _apply_rollups(tx, day_rollups(*_stored_contribution(tx, ids)), NO_ROLLUPS)
            return ids[-1]

        after: str | None = ""
        while after is not None:
            after = self._run("filling the rollups", add_chunk, after, write=True)
        self._run("filling the rollups", lambda tx: tx.run(
            "MATCH (m:GraphMeta {name: $name}) SET m.rollups = $rollups",
            name=META, rollups=ROLLUP_VERSION).consume(), write=True)

    # -- writing --------------------------------------------------------
    def upsert(self, batch: GraphBatch) -> None:
        batch = normalise_batch(batch)
        self._run("write", _upsert, batch, write=True)

    def data_version(self) -> int:
        def read(tx):
            row = tx.run("MATCH (m:GraphMeta {name: $name}) RETURN m.version", name=META).single()
            return 0 if row is None or row[0] is None else int(row[0])

        return self._run("reading the data version", read)

    def high_water_mark(self, writer: str = "") -> int:
        def read(tx):
            row = tx.run("MATCH (m:GraphMeta {name: $name}) RETURN m.high_water_mark",
                         name=_mark_node(writer)).single()
            return 0 if row is None or row[0] is None else int(row[0])

        return self._run("reading the high-water mark", read)

    def clear(self) -> None:
        # The mark goes first, in its own transaction: a clear cut short leaves a store
        # that the next sync refills from the start.
        def reset(tx):
            tx.run("MERGE (m:GraphMeta {name: $name}) "
                   "SET m.high_water_mark = 0, m.version = coalesce(m.version, 0) + 1",
                   name=META)
            tx.run("MATCH (w:GraphMeta) WHERE w.name STARTS WITH $prefix DELETE w",
                   prefix=WRITER_PREFIX)

        self._run("clear", reset, write=True)

        def delete_relationships(tx) -> int:
            return tx.run("MATCH ()-[r]->() WITH r LIMIT $n DELETE r RETURN count(*)",
                          n=DELETE_CHUNK).single()[0]

        # Relationships first, in chunks of their own: deleting 10,000 entities of a
        # 100,000-document graph took their ~270,000 relationships along in one
        # transaction, past the server's transaction memory.
        while self._run("clear", delete_relationships, write=True):
            pass
        for label in ("Evidence", "OpenRoute", "Document", "Entity", *ROLLUP_LABELS):
            while self._run("clear", _delete_some, label, write=True):
                pass

    # -- queries --------------------------------------------------------
    def counts(self) -> dict:
        def read(tx):
            docs, relevant = tx.run(
                "MATCH (d:Document) RETURN count(d), "
                "sum(CASE WHEN d.relevant THEN 1 ELSE 0 END)").single()
            labels = {r[0]: r[1] for r in tx.run(
                "MATCH (e:Entity) RETURN e.label, count(*)")}
            relations = {}
            for name in ENTITY_RELATION_TYPES:  # count store lookups, one per type
                n = tx.run(f"MATCH ()-[r:{relation_type(name)}]->() RETURN count(r)").single()[0]
                if n:
                    relations[name] = n
            return {"documents": docs, "relevant_documents": relevant or 0,
                    "entities": dict(sorted(labels.items())),
                    "relations": dict(sorted(relations.items()))}

        return self._run("counts", read)

    def search_entities(self, query: str, label: str | None = None, limit: int = 20
                        ) -> list[EntityNode]:
        needle = fold(query).replace("\x1f", "")
        label_clause = " AND e.label = $label" if label is not None else ""
        if WORD.fullmatch(needle):
            # The full-text index holds the folded names and aliases as words, and an
            # ASCII word of letters and digits is never split by its tokenizer, so
            # *needle* finds every candidate; CONTAINS below keeps the exact ones.
            source = ("CALL db.index.fulltext.queryNodes($index, $pattern) YIELD node "
                      "WITH node AS e WHERE e.search_text CONTAINS $needle")
        else:
            source = "MATCH (e:Entity) WHERE e.search_text CONTAINS $needle"

        def rank(tx):
            rows = list(tx.run(
                f"{source}{label_clause} WITH e, e.search_text CONTAINS $exact AS exact "
                f"ORDER BY exact DESC, e.mentions DESC, e.key LIMIT $limit "
                f"RETURN {NODE_FIELDS}, exact",
                index=FULLTEXT_INDEX, pattern=f"*{needle}*", needle=needle,
                exact=f"\x1f{needle}\x1f", label=label, limit=limit))
            return rows

        rows = self._run("entity search", rank)
        ranked = sorted(rows, key=lambda r: (not r[10], -r[6], r[0]))
        return [_node(r) for r in ranked[:limit]]

    def entity(self, key: str) -> EntityNode | None:
        return self._run("entity", lambda tx: _nodes(tx, [key], None, None)).get(key)

    def entity_profile(
        self, key: str, since: str | None = None, until: str | None = None,
        neighbour_limit: int = 50, evidence_limit: int = 5,
    ) -> EntityProfile | None:
        def read(tx):
            node = _nodes(tx, [key], since, until).get(key)
            if node is None:
                return None
            window = {"since": since, "until": until}
            by_month: dict[str, int] = defaultdict(int)
            for month, n in tx.run(
                "MATCH (x:EntityDay {entity: $key}) WHERE true"
                f"{_window('x.date', since, until)} "
                "RETURN substring(x.date, 0, 7), sum(x.mentions)", key=key, **window):
                by_month[month] += n
            relations = [
                rel for rel in (_Relation(r) for r in tx.run(
                    f"MATCH (c:Entity {{key: $key}})-[r]-(:Entity){_where_seen(since, until)} "
                    f"WITH r, startNode(r) AS s, endNode(r) AS t {_edge_fields(since, until)}",
                    key=key, **window))
                if rel.weight]

            def other(rel) -> str:
                return rel.target if rel.source == key else rel.source

            relations.sort(key=lambda rel: (-rel.weight, other(rel), *rel.order))
            edges = _complete(tx, relations[:neighbour_limit], since, until, evidence_limit)
            neighbours = _nodes(tx, {other(e) for e in edges}, since, until)
            docs = list(tx.run(
                f"MATCH (d:Document)-[:MENTIONS]->(:Entity {{key: $key}}) WHERE true"
                f"{_window('d.published', since, until)} "
                f"RETURN {DOC_FIELDS} ORDER BY d.published DESC, d.id LIMIT $limit",
                key=key, limit=PROFILE_DOCUMENTS, **window))
            docs.sort(key=lambda r: (_desc(r[4]), r[0]))
            return EntityProfile(
                entity=node,
                mentions_by_month=tuple(sorted(by_month.items())),
                neighbours=tuple(
                    (neighbours[e.target if e.source == key else e.source], e) for e in edges),
                documents=tuple(_summaries(tx, docs)),
            )

        return self._run("entity profile", read)

    def neighbourhood(
        self, key: str, depth: int = 1, labels: tuple[str, ...] | None = None,
        since: str | None = None, until: str | None = None, limit: int = 200,
        edge_limit: int = NEIGHBOURHOOD_EDGES,
    ) -> Subgraph:
        def read(tx):
            if tx.run("MATCH (e:Entity {key: $key}) RETURN count(e)", key=key).single()[0] == 0:
                return Subgraph(nodes=(), edges=())
            reached = {key: 0}
            frontier = [key]
            windowed = since is not None or until is not None
            for hop in range(1, depth + 1):
                if not frontier:
                    break
                found = []
                # The window test runs on the server, so hubs do not ship their date lists.
                for (other,) in tx.run(
                    "MATCH (n:Entity)-[r]-(o:Entity) WHERE n.key IN $frontier"
                    + (" AND o.label IN $labels" if labels is not None else "")
                    + (f" AND {_seen_in_window(since, until)}" if windowed else "")
                    + " RETURN DISTINCT o.key",
                    frontier=frontier, labels=list(labels or ()), since=since, until=until,
                ):
                    if other not in reached:
                        reached[other] = hop
                        found.append(other)
                frontier = found
            nodes = _nodes(tx, reached, since, until)
            order = sorted(nodes.values(),
                           key=lambda n: (n.key != key, reached[n.key], -n.mentions, n.key))[:limit]
            kept = [n.key for n in order]
            # The strongest relations in the window, as the embedded store keeps, chosen
            # on the server: 200 nodes around a hub have ~20,000 between them.
            relations = sorted(
                (_Relation(r) for r in tx.run(
                    "MATCH (s:Entity)-[r]->(t:Entity) WHERE s.key IN $kept AND t.key IN $kept"
                    f"{_window('r.last_seen', since, None)}{_window('r.first_seen', None, until)}"
                    " WITH r, s, t, [d IN coalesce(r.dates, []) WHERE true"
                    f"{_window('d', since, until)}] AS dates WHERE size(dates) > 0"
                    " WITH r, s, t, dates ORDER BY size(dates) DESC, type(r), s.key, t.key,"
                    " r.mode LIMIT $limit RETURN r.edge, type(r), s.key, t.key, r.mode, r.via,"
                    " size(dates), dates[0], dates[-1]",
                    kept=kept, since=since, until=until, limit=max(edge_limit, 0))),
                key=lambda rel: rel.order)
            edges = _complete(tx, relations, since, until, NEIGHBOURHOOD_EVIDENCE)
            return Subgraph(nodes=tuple(order), edges=tuple(edges))

        return self._run("neighbourhood", read)

    def shortest_path(self, source: str, target: str, max_hops: int = 6) -> list[Edge]:
        # The first of the paths: reading every relation among all the nodes on any
        # shortest path between two hubs took seconds at 100,000 documents.
        found = self.paths(source, target, max_hops, limit=1, evidence_limit=PATH_EVIDENCE)
        return list(found[0].edges) if found else []

    def paths(
        self, source: str, target: str, max_hops: int = 6,
        types: tuple[str, ...] | None = None, limit: int = MAX_PATHS,
        evidence_limit: int | None = None,
    ) -> list[EntityPath]:
        wanted = [t for t in (ENTITY_RELATION_TYPES if types is None else types)
                  if t in ENTITY_RELATION_TYPES]
        walked = "|".join(relation_type(t) for t in wanted)

        def read(tx):
            if not wanted:
                return []

            def expand(frontier: list[str]) -> list[tuple[str, str]]:
                return [(r[0], r[1]) for r in tx.run(
                    f"MATCH (n:Entity)-[:{walked}]-(o:Entity) WHERE n.key IN $frontier "
                    "RETURN DISTINCT n.key, o.key", frontier=frontier)]

            # The search from both ends reads the graph around them, one query a layer;
            # the paths' order and tie-breaks are worked out here, as from edges().
            node_paths = shortest_node_paths(
                shortest_path_graph(expand, source, target, max_hops), source, target,
                max_hops, limit)
            if not node_paths:
                return []
            relations = [_Relation(r) for r in tx.run(
                f"MATCH (s:Entity)-[r:{walked}]->(t:Entity) WHERE s.key IN $keys "
                f"AND t.key IN $keys {_edge_fields(None, None)}",
                keys=sorted({key for nodes in node_paths for key in nodes}))]
            G = build_graph((), ((RelationSummary(*rel.order, rel.weight), ())
                                 for rel in relations))
            found = [(nodes, hop_relations(G, nodes)) for nodes in node_paths]
            hop_ids = {relation.id for _, hops in found for relation in hops}
            hops = sorted((rel for rel in relations if rel.order in hop_ids),
                          key=lambda rel: rel.order)
            return with_edges(found, _complete(tx, hops, None, None, evidence_limit))

        return self._run("paths", read)

    def top_entities(
        self, label: str, since: str | None = None, until: str | None = None, limit: int = 10
    ) -> list[EntityNode]:
        return self._run("top entities", _ranked_by_mentions, label, since, until, limit)

    def documents(
        self, query: str = "", since: str | None = None, until: str | None = None,
        relevant_only: bool = False, entity: str | None = None, limit: int = 50, offset: int = 0,
    ) -> list[DocumentSummary]:
        # Without a query, no CONTAINS: the planner may then walk the date index in order.
        cypher = ("MATCH (d:Document) WHERE d.published IS NOT NULL"
                  + (" AND d.title_folded CONTAINS $title" if fold(query) else "")
                  + _window("d.published", since, until))
        if relevant_only:
            cypher += " AND d.relevant"
        if entity is not None:
            cypher += " AND EXISTS { (d)-[:MENTIONS]->(:Entity {key: $entity}) }"
        cypher += (f" RETURN {DOC_FIELDS} ORDER BY d.published DESC, d.id "
                   "SKIP $offset LIMIT $limit")

        def read(tx):
            rows = list(tx.run(cypher, title=fold(query), since=since, until=until,
                               entity=entity, offset=offset, limit=limit))
            rows.sort(key=lambda r: (_desc(r[4]), r[0]))
            return _summaries(tx, rows)

        return self._run("documents", read)

    def overview(self, since: str | None = None, until: str | None = None, limit: int = 10
                 ) -> Overview:
        window = {"since": since, "until": until}

        def read(tx):
            docs, relevant = tx.run(
                f"MATCH (d:Document) WHERE true{_window('d.published', since, until)} "
                "RETURN count(d), sum(CASE WHEN d.relevant THEN 1 ELSE 0 END)", **window).single()
            if since is None and until is None:
                entities = tx.run("MATCH (e:Entity) WHERE e.documents > 0 "
                                  "RETURN count(e)").single()[0]
                relations = sum(
                    tx.run(f"MATCH ()-[r:{relation_type(t)}]->() RETURN count(r)").single()[0]
                    for t in ENTITY_RELATION_TYPES)
            else:
                # IS NOT NULL (always true) lets the planner read the item from the index.
                entities = tx.run(
                    f"MATCH (x:EntityDay) WHERE x.entity IS NOT NULL"
                    f"{_window('x.date', since, until)} RETURN count(DISTINCT x.entity)",
                    **window).single()[0]
                relations = tx.run(
                    f"MATCH (x:EdgeDay) WHERE x.edge IS NOT NULL"
                    f"{_window('x.date', since, until)} RETURN count(DISTINCT x.edge)",
                    **window).single()[0]
            newest = list(tx.run(
                f"MATCH (d:Document) WHERE d.relevant{_window('d.published', since, until)} "
                f"RETURN {DOC_FIELDS} ORDER BY d.published DESC, d.id LIMIT $limit",
                limit=limit, **window))
            newest.sort(key=lambda r: (_desc(r[4]), r[0]))
            first = sorted(
                tx.run(f"MATCH (e:Entity) WHERE e.first_seen <> ''"
                       f"{_window('e.first_seen', since, until)} "
                       "RETURN e.key, e.first_seen ORDER BY e.first_seen DESC, e.key "
                       "LIMIT $limit", limit=limit, **window),
                key=lambda r: (_desc(r[1]), r[0]))
            first_keys = [r[0] for r in first]
            first_nodes = _nodes(tx, first_keys, since, until)
            return Overview(
                documents=docs, relevant_documents=relevant or 0, entities=entities,
                relations=relations, newest_documents=tuple(_summaries(tx, newest)),
                top_entities=tuple(_ranked_by_mentions(tx, None, since, until, limit)),
                first_seen=tuple(first_nodes[k] for k in first_keys),
            )

        return self._run("overview", read)

    def edges(self, types: tuple[str, ...] | None = None, since: str | None = None,
              until: str | None = None, evidence_limit: int | None = None,
              limit: int | None = None) -> list[Edge]:
        wanted = [t for t in (ENTITY_RELATION_TYPES if types is None else types)
                  if t in ENTITY_RELATION_TYPES]

        # Each type's strongest on the server, so a window's thousands of routes are not
        # all sent to be cut here; the strongest of all are among them.
        strongest_first = ("" if limit is None else
                           " ORDER BY size(dates) DESC, s.key, t.key, r.mode LIMIT $limit")

        def read(tx):
            relations = []
            for name in wanted:
                relations += [
                    rel for rel in (_Relation(r) for r in tx.run(
                        f"MATCH (s:Entity)-[r:{relation_type(name)}]->(t:Entity)"
                        f"{_where_seen(since, until)} {_edge_fields(since, until)}"
                        f"{strongest_first}",
                        since=since, until=until, limit=max(limit or 0, 0)))
                    if rel.weight]
            relations.sort(key=lambda rel: rel.order)
            if limit is not None and len(relations) > limit:  # the strongest, before evidence
                strongest = sorted(relations, key=lambda rel: (-rel.weight, rel.order))
                relations = sorted(strongest[:max(limit, 0)], key=lambda rel: rel.order)
            return _complete(tx, relations, since, until, evidence_limit)

        return self._run("edges", read)

    def edge_count(self, types: tuple[str, ...] | None = None, since: str | None = None,
                   until: str | None = None) -> int:
        wanted = [t for t in (ENTITY_RELATION_TYPES if types is None else types)
                  if t in ENTITY_RELATION_TYPES]

        def read(tx):
            return sum(tx.run(
                f"MATCH (:Entity)-[r:{relation_type(name)}]->(:Entity)"
                f"{_where_seen(since, until)} RETURN count(r)", since=since, until=until
            ).single()[0] for name in wanted)

        return self._run("edge count", read)

    def trend_facts(self):
        """The trends report's questions answered on the server (graph.trends.trend_facts)."""
        from graph.neo4j_trends import Neo4jTrendFacts

        return Neo4jTrendFacts(self)

    # -- Neo4j extras (not part of GraphStore) ----------------------------
    def open_route_count(self) -> int:
        """ROUTE statements kept aside because one end is unnamed."""
        return self._run("open routes", lambda tx: tx.run(
            "MATCH (o:OpenRoute) RETURN count(o)").single()[0])


# -- transaction functions -------------------------------------------------------
def _cause(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:300]


def _desc(text: str) -> tuple[int, ...]:
    """A sort key that orders strings descending, for use beside ascending ones."""
    return tuple(-ord(c) for c in text) + (1,)


def _meta_schema(tx) -> tuple[str, str | None]:
    """(schema version, rollup version) of the database; a new one holds the current."""
    row = tx.run(
        "MERGE (m:GraphMeta {name: $name}) "
        "ON CREATE SET m.schema = $schema, m.version = 0, m.high_water_mark = 0, "
        "m.rollups = $rollups RETURN m.schema, m.rollups",
        name=META, schema=SCHEMA_VERSION, rollups=ROLLUP_VERSION).single()
    return row[0], row[1]


def _delete_some(tx, label: str) -> int:
    """Delete up to DELETE_CHUNK nodes of ``label`` (one of the fixed labels of this module)."""
    return tx.run(f"MATCH (n:{label}) WITH n LIMIT $n DETACH DELETE n RETURN count(*)",
                  n=DELETE_CHUNK).single()[0]


def _node(row: Sequence, figures: Sequence | None = None) -> EntityNode:
    key, label, name, lat, lon, aliases, mentions, documents, first, last = row[:10]
    if figures is not None:
        mentions, documents, first, last = figures
    return EntityNode(
        key=key, label=label, name=name, mentions=mentions or 0, documents=documents or 0,
        first_seen=first or "", last_seen=last or "", lat=lat, lon=lon,
        aliases=tuple(aliases or ()),
    )


def _nodes(tx, keys: Iterable[str], since: str | None, until: str | None
           ) -> dict[str, EntityNode]:
    """EntityNodes for these keys with figures over the window (unknown keys left out)."""
    keys = list(keys)
    if not keys:
        return {}
    if since is None and until is None:
        rows = tx.run(f"MATCH (e:Entity) WHERE e.key IN $keys RETURN {NODE_FIELDS}", keys=keys)
        return {r[0]: _node(r) for r in rows}
    # The entity's days in the window, not its mentions: a hub has thousands a month.
    rows = tx.run(
        f"MATCH (e:Entity) WHERE e.key IN $keys "
        f"OPTIONAL MATCH (x:EntityDay) WHERE x.entity = e.key"
        f"{_window('x.date', since, until)} "
        f"WITH e, sum(x.mentions) AS n, sum(x.documents) AS docs, min(x.date) AS first, "
        f"max(x.date) AS last RETURN {NODE_FIELDS}, n, docs, first, last",
        keys=keys, since=since, until=until)
    return {r[0]: _node(r, (r[10], r[11], r[12] or "", r[13] or "")) for r in rows}


def _ranked_by_mentions(tx, label: str | None, since: str | None, until: str | None,
                        limit: int) -> list[EntityNode]:
    label_clause = " AND e.label = $label" if label is not None else ""
    if since is None and until is None:
        rows = list(tx.run(
            f"MATCH (e:Entity) WHERE e.mentions > 0{label_clause} RETURN {NODE_FIELDS} "
            "ORDER BY e.mentions DESC, e.key LIMIT $limit", label=label, limit=limit))
        rows.sort(key=lambda r: (-r[6], r[0]))
        return [_node(r) for r in rows]
    rows = list(tx.run(
        f"MATCH (x:EntityDay) WHERE true{_window('x.date', since, until)}"
        + (" AND x.label = $label" if label is not None else "")
        + " WITH x.entity AS key, sum(x.mentions) AS n ORDER BY n DESC, key LIMIT $limit "
        "RETURN key, n", label=label, limit=limit, since=since, until=until))
    rows.sort(key=lambda r: (-r[1], r[0]))
    nodes = _nodes(tx, [r[0] for r in rows], since, until)
    return [nodes[r[0]] for r in rows]


def _complete(tx, relations: list[_Relation], since: str | None, until: str | None,
              evidence_limit: int | None) -> list[Edge]:
    """Edges for these relations (kept in their order) with via and up to
    ``evidence_limit`` evidence (all when None) over the window."""
    if not relations:
        return []
    window = {"since": since, "until": until}
    clause = _window("v.date", since, until)
    vias: dict[str, set[str]] = {}
    if since is not None or until is not None:
        # Only the evidence in the window names the via of a windowed edge.
        with_via = [rel.id for rel in relations if rel.via]
        if with_via:
            for edge, via in tx.run(
                f"MATCH (v:Evidence) WHERE v.edge IN $edges{clause} RETURN v.edge, v.via",
                edges=with_via, **window):
                vias.setdefault(edge, set()).update(via or ())
    evidence: dict[str, list[tuple]] = defaultdict(list)
    ids = [rel.id for rel in relations]
    if evidence_limit is None:
        rows = tx.run(
            f"MATCH (v:Evidence) WHERE v.edge IN $edges{clause} "
            "OPTIONAL MATCH (d:Document {id: v.doc_id}) "
            "RETURN v.edge, v.date, v.doc_id, v.sentence_index, v.sentence, "
            "d.title, d.url, d.source", edges=ids, **window)
    elif evidence_limit > 0:
        # The newest days holding ``limit`` pieces are found from the edge's day counts,
        # and only their evidence is read and sorted: sorting all of a hub relation's
        # evidence for its newest piece took 1.1 s for a neighbourhood's 1,000 edges.
        # (The test on x.date lets the planner seek the (edge, date) index when there is
        # no window; without the hint on v it seeks by edge alone and filters all of it.)
        rows = tx.run(
            "UNWIND $edges AS edge CALL (edge) { MATCH (x:EdgeDay) WHERE x.edge = edge "
            f"AND x.date IS NOT NULL{_window('x.date', since, until)} "
            "WITH x ORDER BY x.date DESC LIMIT $limit WITH collect(x) AS days "
            "WITH reduce(cut = {n: 0, date: null}, x IN days | CASE WHEN cut.n >= $limit "
            "THEN cut ELSE {n: cut.n + x.n, date: x.date} END).date AS oldest "
            "MATCH (v:Evidence) USING INDEX v:Evidence(edge, date) "
            f"WHERE v.edge = edge AND v.date >= oldest{clause} "
            "RETURN v ORDER BY v.date DESC, v.doc_id, v.sentence_index LIMIT $limit } "
            "OPTIONAL MATCH (d:Document {id: v.doc_id}) "
            "RETURN v.edge, v.date, v.doc_id, v.sentence_index, v.sentence, "
            "d.title, d.url, d.source", edges=ids, limit=evidence_limit, **window)
    else:
        rows = ()
    for row in rows:
        evidence[row[0]].append(tuple(row[1:]))
    edges = []
    for rel in relations:
        found = sorted(evidence[rel.id], key=lambda r: (_desc(r[0]), r[1], r[2]))
        if evidence_limit is not None:
            found = found[:evidence_limit]
        windowed = since is not None or until is not None
        via = tuple(sorted(vias.get(rel.id, ()))) if windowed else rel.via
        edges.append(Edge(
            type=rel.type, source=rel.source, target=rel.target, mode=rel.mode,
            via=via, weight=rel.weight, first_seen=rel.first_seen,
            last_seen=rel.last_seen,
            evidence=tuple(
                Evidence(doc_id=doc_id, sentence=sentence, date=date, title=title or "",
                         url=url or "", source=source or "")
                for date, doc_id, _, sentence, title, url, source in found),
        ))
    return edges


def _summaries(tx, rows: list) -> list[DocumentSummary]:
    """DocumentSummaries for (id, title, url, source, published, relevant, language) rows."""
    keys: dict[str, list[str]] = defaultdict(list)
    if rows:
        for doc_id, key in tx.run(
            "MATCH (d:Document)-[:MENTIONS]->(e:Entity) WHERE d.id IN $ids "
            "RETURN d.id, e.key", ids=[r[0] for r in rows]):
            keys[doc_id].append(key)
    return [
        DocumentSummary(id=i, title=t, url=u, source=s, published=p, relevant=bool(rel),
                        language=lang, entities=tuple(sorted(keys[i])))
        for i, t, u, s, p, rel, lang in rows
    ]


def _upsert(tx, batch: GraphBatch) -> None:
    doc_ids = [d.id for d in batch.documents]
    touched_entities: set[str] = set()
    touched_edges: dict[str, tuple[str, str, str]] = {}

    # What these documents contributed before goes; the batch is their whole contribution.
    before = _stored_contribution(tx, doc_ids)
    _, mention_rows, evidence_rows = before
    taken_entities = _entity_figures(mention_rows)
    touched_entities.update(taken_entities)
    for edge, type_, source, target, *_ in evidence_rows:
        touched_edges[edge] = (type_, source, target)
        touched_entities.update((source, target))
    taken_edges = set(touched_edges)
    _apply_rollups(tx, _batch_rollups(batch), day_rollups(*before))
    tx.run("MATCH (d:Document)-[m:MENTIONS]->() WHERE d.id IN $ids DELETE m", ids=doc_ids)
    tx.run("MATCH (v:Evidence) WHERE v.doc_id IN $ids DETACH DELETE v", ids=doc_ids)
    tx.run("MATCH (o:OpenRoute) WHERE o.doc_id IN $ids DETACH DELETE o", ids=doc_ids)

    tx.run(
        "UNWIND $rows AS row MERGE (d:Document {id: row.id}) "
        "SET d.title = row.title, d.url = row.url, d.source = row.source, "
        "d.published = row.published, d.relevant = row.relevant, d.language = row.language, "
        "d.title_folded = row.title_folded",
        rows=[{"id": d.id, "title": d.title, "url": d.url, "source": d.source,
               "published": d.published, "relevant": bool(d.relevant), "language": d.language,
               "title_folded": fold(d.title)} for d in batch.documents])

    stored = {
        key: (lat, lon, aliases or [])
        for key, lat, lon, aliases in tx.run(
            "MATCH (e:Entity) WHERE e.key IN $keys RETURN e.key, e.lat, e.lon, e.aliases",
            keys=[e.key for e in batch.entities])
    }
    rows = []
    for e in batch.entities:
        old_lat, old_lon, old_aliases = stored.get(e.key, (None, None, []))
        aliases = merged_aliases(e.name, old_aliases, e.aliases)
        rows.append({
            "key": e.key, "label": e.label, "name": e.name,
            "lat": e.lat if e.lat is not None else old_lat,
            "lon": e.lon if e.lon is not None else old_lon,
            "aliases": list(aliases), "search_text": _search_text(e.name, aliases),
        })
        touched_entities.add(e.key)
    tx.run(
        "UNWIND $rows AS row MERGE (e:Entity {key: row.key}) "
        "ON CREATE SET e.mentions = 0, e.documents = 0, e.first_seen = '', e.last_seen = '' "
        "SET e.label = row.label, e.name = row.name, e.lat = row.lat, e.lon = row.lon, "
        "e.aliases = row.aliases, e.search_text = row.search_text", rows=rows)

    tx.run(
        "UNWIND $rows AS row MATCH (d:Document {id: row.doc_id}) "
        "MATCH (e:Entity {key: row.entity}) "
        "CREATE (d)-[:MENTIONS {count: row.count, date: row.date}]->(e)",
        rows=[{"doc_id": m.doc_id, "entity": m.entity, "count": m.count, "date": m.date}
              for m in batch.mentions])

    by_type: dict[str, dict[str, dict]] = defaultdict(dict)
    evidence_rows = []
    for row in batch.evidence:
        edge = edge_id(row.type, row.source, row.target, row.mode)
        by_type[relation_type(row.type)][edge] = {
            "edge": edge, "source": row.source, "target": row.target, "mode": row.mode}
        touched_edges[edge] = (row.type, row.source, row.target)
        evidence_rows.append({
            "id": f"{edge}\x1f{row.doc_id}\x1f{row.sentence_index}", "edge": edge,
            "type": row.type, "source": row.source, "target": row.target, "mode": row.mode,
            "doc_id": row.doc_id, "sentence_index": row.sentence_index,
            "sentence": row.sentence, "date": row.date, "via": list(row.via)})
    for name, edges in by_type.items():
        tx.run(
            "UNWIND $rows AS row MATCH (s:Entity {key: row.source}) "
            "MATCH (t:Entity {key: row.target}) "
            f"MERGE (s)-[r:{relation_type(name)} {{edge: row.edge}}]->(t) "
            "ON CREATE SET r.mode = row.mode, r.weight = 0, r.via = [], r.dates = []",
            rows=list(edges.values()))
    # This batch's documents have no evidence left (deleted above) and normalised rows are
    # unique, so CREATE cannot duplicate and saves MERGE's lookup.
    tx.run("UNWIND $rows AS row CREATE (v:Evidence) SET v = row", rows=evidence_rows)

    tx.run(
        "UNWIND $rows AS row MERGE (o:OpenRoute {id: row.id}) SET o += row",
        rows=[{"id": f"{r.doc_id}\x1f{r.sentence_index}\x1f{r.source}\x1f{r.target}\x1f{r.mode}",
               "doc_id": r.doc_id, "sentence_index": r.sentence_index, "source": r.source,
               "target": r.target, "mode": r.mode, "via": list(r.via), "sentence": r.sentence,
               "date": r.date} for r in batch.extra.get(OPEN_ROUTES, ())])

    # Edges a document took rows back from are recomputed; the others (all of them when
    # only new documents arrive) move by what the batch added.
    _refresh_edges(tx, {edge: ends for edge, ends in touched_edges.items()
                        if edge in taken_edges})
    _add_to_edges(tx, [row for edge, row in _edge_additions(batch).items()
                       if edge not in taken_edges])
    _update_entities(tx, touched_entities, taken_entities, _entity_additions(batch))
    tx.run("MERGE (m:GraphMeta {name: $name}) SET m.version = coalesce(m.version, 0) + 1 "
           "WITH m MERGE (w:GraphMeta {name: $writer}) "
           "SET w.high_water_mark = coalesce($mark, w.high_water_mark, 0)",
           name=META, writer=_mark_node(batch.writer), mark=batch.high_water_mark)


# -- the per-day rollups ----------------------------------------------------------
class DayRollups(NamedTuple):
    """What some documents contribute to the rollups: per (entity, date) [mentions,
    documents], per (edge, date) (type, evidence rows), per (kind, key, day) a count."""

    entities: dict[tuple[str, str], tuple[int, int]]
    edges: dict[tuple[str, str], tuple[str, int]]
    trends: dict[tuple[str, str, str], int]


NO_ROLLUPS = DayRollups({}, {}, {})


def day_rollups(relevant_published: Iterable[str | None], mentions: Iterable[Sequence],
                evidence: Iterable[Sequence]) -> DayRollups:
    """The rollups of documents given as the ``published`` of the relevant ones, mention
    rows (entity, date, mentions, documents) and evidence rows (edge, type, source,
    target, mode, doc_id, date, pieces); rows may be grouped or one per piece. Counted as
    the embedded store counts its day tables: a (document, edge) pair is dated by the
    document's first evidence for the edge."""
    entities: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    edges: dict[tuple[str, str], list] = {}
    trends: dict[tuple[str, str, str], int] = defaultdict(int)
    for published in relevant_published:
        if published is not None:
            trends[("documents", "", published[:10])] += 1
    for entity, date, count, documents in mentions:
        row = entities[(entity, date)]
        row[0] += count
        row[1] += documents
        trends[("label", entity.partition(":")[0], date[:10])] += documents
    first_days: dict[tuple[str, str], tuple[str, str]] = {}
    for edge, type_, _, _, mode, doc_id, date, pieces in evidence:
        edges.setdefault((edge, date), [type_, 0])[1] += pieces
        key = f"{type_}|{mode}"
        day = first_days.get((edge, doc_id), (key, date[:10]))[1]
        first_days[(edge, doc_id)] = (key, min(day, date[:10]))
    for key, day in first_days.values():
        trends[("relation", key, day)] += 1
    return DayRollups({k: (v[0], v[1]) for k, v in entities.items()},
                      {k: (v[0], v[1]) for k, v in edges.items()}, dict(trends))


def _batch_rollups(batch: GraphBatch) -> DayRollups:
    """The rollups of a normalised batch."""
    return day_rollups(
        (d.published for d in batch.documents if d.relevant),
        ((m.entity, m.date, m.count, 1) for m in batch.mentions),
        ((edge_id(v.type, v.source, v.target, v.mode), v.type, v.source, v.target, v.mode,
          v.doc_id, v.date, 1) for v in batch.evidence))


def _stored_contribution(tx, doc_ids: list[str]) -> tuple[list, list, list]:
    """What these documents hold in the database, as ``day_rollups`` takes it."""
    published = [r[0] for r in tx.run(
        "MATCH (d:Document) WHERE d.id IN $ids AND d.relevant RETURN d.published", ids=doc_ids)]
    mentions = [tuple(r) for r in tx.run(
        "MATCH (d:Document)-[m:MENTIONS]->(e:Entity) WHERE d.id IN $ids "
        "RETURN e.key, m.date, sum(m.count), count(m)", ids=doc_ids)]
    evidence = [tuple(r) for r in tx.run(
        "MATCH (v:Evidence) WHERE v.doc_id IN $ids RETURN v.edge, v.type, v.source, v.target, "
        "v.mode, v.doc_id, v.date, count(*)", ids=doc_ids)]
    return published, mentions, evidence


def _entity_figures(mentions: Iterable[Sequence]) -> dict[str, Figures]:
    """Per entity, what mention rows (entity, date, mentions, documents) add up to."""
    rows: dict[str, list] = {}
    for entity, date, count, documents in mentions:
        row = rows.setdefault(entity, [0, 0, date, date])
        row[0] += count
        row[1] += documents
        row[2], row[3] = min(row[2], date), max(row[3], date)
    return {key: Figures(*row) for key, row in rows.items()}


def _apply_rollups(tx, added: DayRollups, taken: DayRollups) -> None:
    """Move the rollups by what was added less what was taken; a day whose count falls
    to nothing goes. Unchanged days (a document written again as it was) are not touched."""
    entities = []
    for key in added.entities.keys() | taken.entities.keys():
        mentions, documents = added.entities.get(key, (0, 0))
        old_mentions, old_documents = taken.entities.get(key, (0, 0))
        if (mentions, documents) != (old_mentions, old_documents):
            entities.append({"entity": key[0], "date": key[1],
                             "label": key[0].partition(":")[0],
                             "mentions": mentions - old_mentions,
                             "documents": documents - old_documents})
    edges = []
    for key in added.edges.keys() | taken.edges.keys():
        type_, n = added.edges.get(key) or (taken.edges[key][0], 0)
        delta = n - taken.edges.get(key, ("", 0))[1]
        if delta:
            edges.append({"edge": key[0], "date": key[1], "type": type_, "n": delta})
    trends = [{"kind": key[0], "key": key[1], "day": key[2],
               "n": added.trends.get(key, 0) - taken.trends.get(key, 0)}
              for key in added.trends.keys() | taken.trends.keys()
              if added.trends.get(key, 0) != taken.trends.get(key, 0)]
    # Sorted, so concurrent writers lock the same days in the same order.
    if entities:
        tx.run("UNWIND $rows AS row MERGE (x:EntityDay {entity: row.entity, date: row.date}) "
               "ON CREATE SET x.label = row.label, x.mentions = 0, x.documents = 0 "
               "SET x.mentions = x.mentions + row.mentions, "
               "x.documents = x.documents + row.documents "
               "WITH x WHERE x.documents <= 0 DELETE x",
               rows=sorted(entities, key=lambda r: (r["entity"], r["date"])))
    if edges:
        tx.run("UNWIND $rows AS row MERGE (x:EdgeDay {edge: row.edge, date: row.date}) "
               "ON CREATE SET x.type = row.type, x.n = 0 SET x.n = x.n + row.n "
               "WITH x WHERE x.n <= 0 DELETE x",
               rows=sorted(edges, key=lambda r: (r["edge"], r["date"])))
    if trends:
        tx.run("UNWIND $rows AS row MERGE (x:TrendDay {kind: row.kind, key: row.key, "
               "day: row.day}) ON CREATE SET x.n = 0 SET x.n = x.n + row.n "
               "WITH x WHERE x.n <= 0 DELETE x",
               rows=sorted(trends, key=lambda r: (r["kind"], r["key"], r["day"])))


def _refresh_edges(tx, touched: dict[str, tuple[str, str, str]]) -> None:
    """Recompute the figures of these edges; drop those left without evidence."""
    if not touched:
        return
    dates: dict[str, list[str]] = defaultdict(list)
    vias: dict[str, set[str]] = defaultdict(set)
    for edge, date, via in tx.run(
        "MATCH (v:Evidence) WHERE v.edge IN $edges RETURN v.edge, v.date, v.via",
        edges=list(touched)):
        dates[edge].append(date)
        vias[edge].update(via or ())
    rows = []
    for edge, (_, source, target) in touched.items():
        found = sorted(dates.get(edge, ()))
        rows.append({"edge": edge, "source": source, "target": target, "dates": found,
                     "weight": len(found), "first": found[0] if found else "",
                     "last": found[-1] if found else "", "via": sorted(vias.get(edge, ()))})
    tx.run(
        "UNWIND $rows AS row MATCH (s:Entity {key: row.source})-[r]->(t:Entity {key: row.target})"
        " WHERE r.edge = row.edge "
        "FOREACH (_ IN CASE WHEN row.weight = 0 THEN [1] ELSE [] END | DELETE r) "
        "FOREACH (_ IN CASE WHEN row.weight > 0 THEN [1] ELSE [] END | "
        "  SET r.weight = row.weight, r.dates = row.dates, r.first_seen = row.first, "
        "  r.last_seen = row.last, r.via = row.via)", rows=rows)


def _entity_additions(batch: GraphBatch) -> dict[str, Figures]:
    """Per entity, what a normalised batch's mentions add up to."""
    rows: dict[str, list] = {}
    for m in batch.mentions:
        row = rows.setdefault(m.entity, [0, 0, m.date, m.date])
        row[0] += m.count
        row[1] += 1
        row[2], row[3] = min(row[2], m.date), max(row[3], m.date)
    return {key: Figures(*row) for key, row in rows.items()}


def _edge_additions(batch: GraphBatch) -> dict[str, dict]:
    """Per edge, what a normalised batch's evidence adds, as parameters of ``_add_to_edges``."""
    rows: dict[str, dict] = {}
    for ev in batch.evidence:
        edge = edge_id(ev.type, ev.source, ev.target, ev.mode)
        row = rows.setdefault(edge, {"edge": edge, "source": ev.source, "target": ev.target,
                                     "dates": [], "via": set()})
        row["dates"].append(ev.date)
        row["via"].update(ev.via)
    for row in rows.values():
        row["dates"].sort()
        row["via"] = sorted(row["via"])
        row["first"], row["last"] = row["dates"][0], row["dates"][-1]
    return rows


def _add_to_edges(tx, rows: list[dict]) -> None:
    """Move edges' figures by new evidence, on the server: the sorted date list takes the new
    dates at its end when they are no earlier than its last (news arrives in date order),
    else it is sorted again; nothing else of the edge is read."""
    if not rows:
        return
    tx.run(
        "UNWIND $rows AS row MATCH (s:Entity {key: row.source})-[r]->(t:Entity {key: row.target})"
        " WHERE r.edge = row.edge "
        "SET r.weight = r.weight + size(row.dates), "
        "r.first_seen = CASE WHEN coalesce(r.first_seen, '') = '' OR row.first < r.first_seen "
        "  THEN row.first ELSE r.first_seen END, "
        "r.last_seen = CASE WHEN coalesce(r.last_seen, '') < row.last THEN row.last "
        "  ELSE r.last_seen END, "
        "r.via = COLLECT { UNWIND coalesce(r.via, []) + row.via AS v "
        "  RETURN DISTINCT v ORDER BY v }, "
        "r.dates = CASE WHEN size(r.dates) = 0 OR r.dates[-1] <= row.first "
        "  THEN r.dates + row.dates "
        "  ELSE COLLECT { UNWIND r.dates + row.dates AS d RETURN d ORDER BY d } END", rows=rows)


def _update_entities(tx, touched: set[str], taken: dict[str, Figures],
                     added: dict[str, Figures]) -> None:
    """Move entities' figures by what the batch took and added (``updated_figures``),
    recompute those a delta cannot settle, and drop entities nothing refers to any more."""
    keys = sorted(touched | set(taken) | set(added))
    changed = sorted(set(taken) | set(added))
    stored = {
        key: Figures(mentions or 0, documents or 0, first or "", last or "")
        for key, mentions, documents, first, last in tx.run(
            "MATCH (e:Entity) WHERE e.key IN $keys "
            "RETURN e.key, e.mentions, e.documents, e.first_seen, e.last_seen", keys=changed)}
    rows, recompute = [], set()
    for key in changed:
        figures = updated_figures(stored.get(key, NO_FIGURES), taken.get(key), added.get(key))
        if figures is None:
            recompute.add(key)
        else:
            rows.append({"key": key, "mentions": figures.count, "documents": figures.documents,
                         "first": figures.first, "last": figures.last})
    tx.run("UNWIND $rows AS row MATCH (e:Entity {key: row.key}) "
           "SET e.mentions = row.mentions, e.documents = row.documents, "
           "e.first_seen = row.first, e.last_seen = row.last", rows=rows)
    _refresh_entities(tx, recompute)
    tx.run("UNWIND $keys AS key MATCH (e:Entity {key: key}) "
           "WHERE e.documents = 0 AND NOT EXISTS { (e)--(:Entity) } DETACH DELETE e", keys=keys)


def _refresh_entities(tx, keys: set[str]) -> None:
    """Recompute these entities' figures from all their mentions."""
    if not keys:
        return
    tx.run(
        "UNWIND $keys AS key MATCH (e:Entity {key: key}) "
        "OPTIONAL MATCH (:Document)-[m:MENTIONS]->(e) "
        "WITH e, sum(m.count) AS n, count(m) AS docs, min(m.date) AS first, max(m.date) AS last "
        "SET e.mentions = n, e.documents = docs, e.first_seen = coalesce(first, ''), "
        "e.last_seen = coalesce(last, '')", keys=sorted(keys))
