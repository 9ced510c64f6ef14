"""The embedded graph backend: SQLite is the record, networkx does the walking.

The SQLite file is plain tables a user can open (``sqlite3 graph.sqlite``):

* ``documents``  every document synced, relevant or not;
* ``entities``   one row per canonical entity, with derived ``mentions``,
  ``documents``, ``first_seen``, ``last_seen`` (all time, relevant documents);
* ``mentions``   (doc_id, entity, count, date): the MENTIONS relation;
* ``edges``      (type, source, target, mode) with derived ``via``, ``weight``,
  ``first_seen``, ``last_seen``;
* ``evidence``   (edge_id, doc_id, sentence_index, sentence, date, via), and
  the view ``edge_evidence`` that names the edge;
* ``open_routes`` ROUTE statements with an unnamed end (not edges, see
  ``graph.batch``);
* ``trend_days`` derived per-day counts the trends report reads (relevant
  documents, (document, entity) pairs per label, (document, edge) pairs per
  type and mode);
* ``entity_days`` and ``edge_days`` derived per-day figures of each entity
  (mentions, documents) and edge (evidence rows), which window figures and
  rankings sum instead of reading every mention and evidence row in the
  window (a 90-day window of a year's news is ~370,000 of each). Like
  ``trend_days`` they are kept by ``upsert`` in its transaction, emptied by
  ``clear`` and worked out from the tables when an older store is opened;
* ``meta``       high_water_mark, a data version, the store's uid.

Indexes cover the window queries: the day tables by day and by item,
mentions by (entity, date) and evidence by (edge_id, date) for an item's
newest rows, edges by first_seen. Older stores get them when opened.

Writing (the reference for both backends): ``upsert`` normalises the batch
(``graph.batch.normalise_batch``), then in one transaction replaces the whole
contribution (mentions, evidence, open routes) of every document in it,
upserts documents and entities (coordinates: a new value wins, a missing one
keeps the stored; aliases united by ``merged_aliases``), recomputes the
figures of the entities and edges it touched, drops those left with nothing,
and sets the high-water mark when the batch carries one. The same batch twice
leaves identical tables.

Query semantics (the reference the Neo4j backend matches, result for result):

* Scope. Every ``EntityNode`` and ``Edge`` a query returns carries figures over
  the scope asked: with a window, ``mentions``/``documents``/``first_seen``/
  ``last_seen`` of a node count only mentions dated in the window, and an
  edge's ``weight``/``first_seen``/``last_seen``/``via``/``evidence`` only its
  evidence dated in the window; without one, all time. Windows are inclusive
  and compare ISO date strings. Only relevant documents have mentions or
  evidence (``graph.batch``), so all counts are over relevant documents.
* An entity exists while a relevant document mentions it or an edge touches
  it; an edge exists while it has evidence.
* Evidence is ordered newest first: date desc, then doc_id, then
  sentence_index. ``via`` of an edge is the sorted union of its evidence's via.
* Text matching (entity names and aliases, document titles) is substring
  containment after ``graph.batch.fold`` (casefold, whitespace collapsed).
* ``counts()``: entities per label and edges per type that exist (labels and
  types with none are absent).
* ``search_entities``: name or alias contains the query; an exact name or
  alias match first, then all-time mentions desc, then key.
* ``entity``: all-time figures; None when unknown.
* ``entity_profile``: None when unknown. ``neighbours`` are (neighbour, edge)
  pairs, one per edge touching the entity with evidence in the window, by edge
  weight desc, neighbour key, then (type, source, target, mode); each edge with
  up to ``evidence_limit`` evidence. ``documents`` are the newest
  ``PROFILE_DOCUMENTS`` relevant documents mentioning it in the window
  (published desc, then id).
* ``neighbourhood``: nodes reached within ``depth`` hops along edges with
  evidence in the window, entering only nodes whose label is in ``labels``
  (centre always kept), direction ignored; ordered centre first, then hops,
  mentions in the window desc, key; at most ``limit`` nodes. Edges are all
  edges with evidence in the window between returned nodes, ordered by
  (type, source, target, mode), each with its ``NEIGHBOURHOOD_EVIDENCE``
  newest evidence in the window; when more than ``edge_limit`` qualify, only
  the strongest (weight in the window desc, then type, source, target, mode)
  are kept. An unknown centre gives an empty Subgraph.
* ``shortest_path``: all time, direction ignored. Of the shortest paths the
  one whose node-key sequence is lexicographically smallest; per hop the
  strongest relation between the two nodes (weight desc, then type, source,
  target, mode), with its all-time figures and its ``PATH_EVIDENCE`` newest
  evidence. [] when either end is unknown, they are equal, or the path would
  need more than ``max_hops`` edges.
* ``top_entities``: entities of the label with at least one mention in the
  window, by mentions in the window desc, then key.
* ``documents``: documents published in the window whose title contains the
  query, relevant only if asked, mentioning ``entity`` if given (which implies
  relevant), published desc then id, then ``offset``/``limit``.
  ``DocumentSummary.entities`` are the sorted keys the document mentions.
* ``overview``: documents and relevant documents published in the window;
  ``entities`` distinct entities mentioned in the window; ``relations``
  distinct edges with evidence in the window; ``newest_documents`` the newest
  ``limit`` relevant documents in the window; ``top_entities`` the ``limit``
  most mentioned entities of any label in the window (mentions desc, key);
  ``first_seen`` the ``limit`` entities whose all-time first mention is in the
  window, by first_seen desc then key.
* ``edges``: edges of ``types`` (all entity-entity types when None) with
  evidence in the window, only the ``limit`` strongest when given (as
  ``neighbourhood`` cuts its edges), ordered (type, source, target, mode), with
  all their evidence in the window, or its newest ``evidence_limit`` when given.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import sqlite3
import threading
import uuid
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import networkx as nx

from graph.analysis import RelationSummary, build_graph, neighbourhood_nodes, shortest_path_edges
from graph.batch import (
    NO_FIGURES,
    OPEN_ROUTES,
    Figures,
    fold,
    merged_aliases,
    normalise_batch,
    updated_figures,
)
from graph.links import MAX_PATHS, EntityPath, shortest_typed_hops, with_edges
from graph.model import (
    NEIGHBOURHOOD_EDGES,
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
from nlp.taxonomy import ENTITY_RELATION_TYPES, LOCATED_IN, ROUTE

SCHEMA_VERSION = "1"
# Which derived day tables a store holds: a store with an older value has them
# worked out from its tables when opened.
DERIVED_VERSION = "4"
DERIVED_TABLES = ("trend_days", "entity_days", "edge_days")
PROFILE_DOCUMENTS = 50  # documents listed in an entity profile
PATH_EVIDENCE = 5  # evidence per hop of a shortest path
NEIGHBOURHOOD_EVIDENCE = 1  # evidence per edge of a neighbourhood (enough for a tooltip)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    published TEXT NOT NULL,
    relevant INTEGER NOT NULL,
    language TEXT NOT NULL,
    title_folded TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_date ON documents (published DESC, id);
CREATE TABLE IF NOT EXISTS entities (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL,
    lon REAL,
    aliases TEXT NOT NULL DEFAULT '[]',
    name_folded TEXT NOT NULL,
    search_text TEXT NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 0,
    documents INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL DEFAULT '',
    last_seen TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS entities_by_label ON entities (label, mentions DESC, key);
CREATE INDEX IF NOT EXISTS entities_by_name ON entities (name_folded);
CREATE INDEX IF NOT EXISTS entities_by_first_seen ON entities (first_seen);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    count INTEGER NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (doc_id, entity)
) WITHOUT ROWID;
-- Window sums read entity_days; this index serves an entity's newest documents in
-- (date, doc_id) order. Indexes of older stores that the day tables replaced go.
DROP INDEX IF EXISTS mentions_by_entity;
DROP INDEX IF EXISTS mentions_by_date;
DROP INDEX IF EXISTS mentions_by_entity_day;
DROP INDEX IF EXISTS mentions_by_day;
CREATE INDEX IF NOT EXISTS mentions_by_entity_date ON mentions (entity, date);
CREATE TABLE IF NOT EXISTS edges (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    mode TEXT NOT NULL,
    via TEXT NOT NULL DEFAULT '[]',
    weight INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL DEFAULT '',
    last_seen TEXT NOT NULL DEFAULT '',
    UNIQUE (type, source, target, mode)
);
-- With the other end in the key, a neighbourhood's "both ends among these nodes" is
-- answered from the index: a hub's thousands of edges to other nodes are not read.
DROP INDEX IF EXISTS edges_by_source;
DROP INDEX IF EXISTS edges_by_target;
CREATE INDEX IF NOT EXISTS edges_by_source_target ON edges (source, target);
CREATE INDEX IF NOT EXISTS edges_by_target_source ON edges (target, source);
CREATE TABLE IF NOT EXISTS evidence (
    edge_id INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    date TEXT NOT NULL,
    via TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (edge_id, doc_id, sentence_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS evidence_by_doc ON evidence (doc_id);
DROP INDEX IF EXISTS evidence_by_date;
CREATE INDEX IF NOT EXISTS evidence_by_edge_day ON evidence (edge_id, date);
CREATE TABLE IF NOT EXISTS open_routes (
    doc_id TEXT NOT NULL,
    sentence_index INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    mode TEXT NOT NULL,
    via TEXT NOT NULL,
    sentence TEXT NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (doc_id, sentence_index, source, target, mode)
) WITHOUT ROWID;
-- Derived: per day, relevant documents ('documents', ''), (document, entity) pairs per
-- label ('label', label) and (document, edge) pairs per ('relation', 'TYPE|mode'), the
-- pair dated by the document's first evidence for the edge. Kept by upsert, in its
-- transaction; filled from the tables when an older store is opened.
CREATE TABLE IF NOT EXISTS trend_days (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    day TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, key, day)
) WITHOUT ROWID;
-- Derived: per entity and day, mentions and (document, entity) pairs; per edge and
-- day, evidence rows (n) and documents. Kept as trend_days is.
CREATE TABLE IF NOT EXISTS entity_days (
    date TEXT NOT NULL,
    entity TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (date, entity)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_days_by_entity ON entity_days (entity, date, mentions,
                                                                 documents);
CREATE TABLE IF NOT EXISTS edge_days (
    date TEXT NOT NULL,
    edge_id INTEGER NOT NULL,
    type TEXT NOT NULL,  -- the edge's: a period's relations of some types, not joined
    n INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (date, edge_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edge_days_by_edge ON edge_days (edge_id, date, n, documents);
CREATE INDEX IF NOT EXISTS edges_by_first_seen ON edges (first_seen);
-- The key and first date: a type's edges (the routes behind mode changes, the relations
-- that may be new) and a pair's modes with their first dates read from the index alone.
CREATE INDEX IF NOT EXISTS edges_by_key_first_seen ON edges (type, source, target, mode,
                                                             first_seen);
CREATE VIEW IF NOT EXISTS edge_evidence AS
    SELECT e.type, e.source, e.target, e.mode, v.doc_id, v.sentence_index, v.sentence, v.date
    FROM evidence v JOIN edges e ON e.id = v.edge_id;
"""

IN_LIST = "(SELECT value FROM json_each(?))"  # one JSON array parameter, any length
# A route with a named mode (graph.trends.UNNAMED_MODES take part in no mode change).
NAMED_MODE = "mode NOT IN ('', 'unknown')"

# Analysis graphs by (store uid, data version): shared by every store object on
# the same file, so a dashboard rerun that reopens the store reuses the graph.
_GRAPHS: OrderedDict[tuple[str, int], nx.Graph] = OrderedDict()
_GRAPHS_LOCK = threading.Lock()
_GRAPHS_KEPT = 4
_BUILDING: dict[tuple[str, int], threading.Lock] = {}  # graphs being built, by the same key
FREEZE_FROM_EDGES = 50_000  # analysis graphs from this size are kept out of gc's walks


def _evict_graphs(newest: nx.Graph) -> None:
    """Keep the newest ``_GRAPHS_KEPT`` analysis graphs. When the newest is large, move
    every live object (its ~750,000 at 100,000 documents among them) out of the cyclic
    collector's reach: otherwise each full collection walks them all, and queries that
    allocate a lot (the trends sections) paid 100-300 ms at random. Frozen objects
    freed by reference counting go as usual; cycles among evicted ones are collected
    here, once per graph built."""
    frozen, large = gc.get_freeze_count() > 0, newest.number_of_edges() >= FREEZE_FROM_EDGES
    if frozen or large:
        gc.unfreeze()
    while len(_GRAPHS) > _GRAPHS_KEPT:
        _GRAPHS.popitem(last=False)
    if frozen or large:
        gc.collect()
    if large:
        gc.freeze()


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic collector off for a while (as it was after): building the
    ~750,000 objects of a large analysis graph set off collections that walked all of
    them again and again, 2.5 of the 4.3 s of CPU a build took at 100,000 documents.
    Any garbage it leaves is collected afterwards (a large graph's by ``_evict_graphs``)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _json(values: Iterable) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _json_object(mapping: dict) -> str:
    return json.dumps(mapping, ensure_ascii=False)


def strongest_edges(rows: list[tuple], limit: int) -> list[tuple]:
    """Of (id, type, source, target, mode, weight, ...) rows in (type, source, target, mode)
    order, the ``limit`` of highest weight (ties by that order), kept in that order."""
    if len(rows) <= limit:
        return rows
    kept = sorted(rows, key=lambda r: (-r[5], r[1], r[2], r[3], r[4]))[:max(limit, 0)]
    return sorted(kept, key=lambda r: (r[1], r[2], r[3], r[4]))


def _window(column: str, since: str | None, until: str | None) -> tuple[str, list[str]]:
    """An ``AND ...`` clause restricting ``column`` (a trusted name) to the window."""
    sql, params = "", []
    if since is not None:
        sql += f" AND {column} >= ?"
        params.append(since)
    if until is not None:
        sql += f" AND {column} <= ?"
        params.append(until)
    return sql, params


def _search_text(name: str, aliases: Iterable[str]) -> str:
    # \x1f delimits names so an exact match is a search for "\x1fname\x1f".
    return "\x1f" + "\x1f".join([fold(name), *(fold(a) for a in aliases)]) + "\x1f"


def _one_snapshot(query: Callable) -> Callable:
    """Run a query's statements in one read transaction, so a sync committing
    meanwhile (WAL lets it) cannot make them disagree."""

    @functools.wraps(query)
    def consistent(self: EmbeddedGraphStore, *args, **kwargs):
        with self._lock:
            if self._db.in_transaction:
                return query(self, *args, **kwargs)
            self._db.execute("BEGIN")
            try:
                return query(self, *args, **kwargs)
            finally:
                self._db.execute("COMMIT")

    return consistent



def _mark_key(writer: str) -> str:
    """The meta key of a writer's high-water mark (the plain key for the default writer)."""
    return f"high_water_mark:{writer}" if writer else "high_water_mark"

class EmbeddedGraphStore:
    """The knowledge graph in one SQLite file (see the module docstring)."""

    backend = "embedded"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._drop_old_derived()
            self._db.executescript(SCHEMA)
            if self._meta("uid") is None:  # a new file; opening an existing one writes nothing
                self._db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('uid', ?), ('version', '0'),"
                    " ('schema', ?), ('derived', ?)",
                    (uuid.uuid4().hex, SCHEMA_VERSION, DERIVED_VERSION))
            found = self._meta("schema")
            if found == SCHEMA_VERSION and self._meta("derived") != DERIVED_VERSION:
                self._fill_derived()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"graph store {self.path}: cannot be opened ({exc})") from exc
        if found != SCHEMA_VERSION:
            self._db.close()
            raise StoreError(f"graph store {self.path}: schema version {found}, this scamtrace "
                             f"reads {SCHEMA_VERSION}; delete the file and run `scamtrace build` "
                             "to rebuild the graph from the extractions")
        self.uid = self._meta("uid")

    def __enter__(self) -> EmbeddedGraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------
    def _drop_old_derived(self) -> None:
        """Drop derived tables an older scamtrace wrote, before the schema makes them anew:
        their columns may differ, and they are filled again from the tables."""
        if not self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
            return
        if (self._meta("schema") == SCHEMA_VERSION
                and self._meta("derived") not in (None, DERIVED_VERSION)):
            for table in DERIVED_TABLES:
                self._db.execute(f"DROP TABLE IF EXISTS {table}")

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"graph store {self.path}: query failed ({exc})") from exc

    def _version(self) -> int:
        return int(self._query("SELECT value FROM meta WHERE key = 'version'")[0][0])

    def _write(self, work, bump: bool = True) -> None:
        """Run ``work(db)`` in one immediate transaction that also bumps the version
        (unless ``bump`` is False: derived tables filled in, the data unchanged)."""
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    work(db)
                    if bump:
                        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                                   "WHERE key = 'version'")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"graph store {self.path}: write failed ({exc})") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing --------------------------------------------------------
    def upsert(self, batch: GraphBatch) -> None:
        batch = normalise_batch(batch)
        self._write(lambda db: self._upsert(db, batch))

    def _upsert(self, db: sqlite3.Connection, batch: GraphBatch) -> None:
        doc_ids = _json(d.id for d in batch.documents)
        # What these documents contributed before goes; the batch is their whole contribution.
        taken_entities = self._entity_contributions(db, doc_ids)
        taken_edges = self._edge_contributions(db, doc_ids)
        touched_entities: set[str] = set(taken_entities)
        touched_entities.update(
            end for _, source, target in db.execute(
                f"SELECT id, source, target FROM edges WHERE id IN {IN_LIST}",
                (_json(sorted(taken_edges)),)) for end in (source, target))
        self._add_derived(db, doc_ids, -1)
        for table in ("mentions", "evidence", "open_routes"):
            db.execute(f"DELETE FROM {table} WHERE doc_id IN {IN_LIST}", (doc_ids,))

        db.executemany(
            "INSERT INTO documents (id, title, url, source, published, relevant, language, "
            "title_folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "title = excluded.title, url = excluded.url, source = excluded.source, "
            "published = excluded.published, relevant = excluded.relevant, "
            "language = excluded.language, title_folded = excluded.title_folded",
            [(d.id, d.title, d.url, d.source, d.published, int(d.relevant), d.language,
              fold(d.title)) for d in batch.documents],
        )

        stored = {
            key: (lat, lon, json.loads(aliases))
            for key, lat, lon, aliases in db.execute(
                f"SELECT key, lat, lon, aliases FROM entities WHERE key IN {IN_LIST}",
                (_json(e.key for e in batch.entities),),
            )
        }
        rows = []
        for e in batch.entities:
            old_lat, old_lon, old_aliases = stored.get(e.key, (None, None, []))
            aliases = merged_aliases(e.name, old_aliases, e.aliases)
            rows.append((
                e.key, e.label, e.name,
                e.lat if e.lat is not None else old_lat,
                e.lon if e.lon is not None else old_lon,
                _json(aliases), fold(e.name), _search_text(e.name, aliases),
            ))
            touched_entities.add(e.key)
        db.executemany(
            "INSERT INTO entities (key, label, name, lat, lon, aliases, name_folded, search_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "label = excluded.label, name = excluded.name, lat = excluded.lat, "
            "lon = excluded.lon, aliases = excluded.aliases, "
            "name_folded = excluded.name_folded, search_text = excluded.search_text",
            rows,
        )

        db.executemany(
            "INSERT INTO mentions (doc_id, entity, count, date) VALUES (?, ?, ?, ?)",
            [(m.doc_id, m.entity, m.count, m.date) for m in batch.mentions],
        )

        # Edges made and their ids read in one statement each, then the evidence inserted in
        # (edge_id, doc_id, sentence_index) order, the order of its key and of the per-edge
        # index: in a store of 1.5 million rows, rows in key order touch each page once.
        idents = sorted({(r.type, r.source, r.target, r.mode) for r in batch.evidence})
        db.executemany("INSERT INTO edges (type, source, target, mode) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (type, source, target, mode) DO NOTHING", idents)
        edge_ids: dict[tuple[str, str, str, str], int] = {
            (t, s, g, m): i for i, t, s, g, m in db.execute(
                "SELECT e.id, e.type, e.source, e.target, e.mode FROM json_each(?) j "
                "CROSS JOIN edges e ON e.type = json_extract(j.value, '$[0]') "
                "AND e.source = json_extract(j.value, '$[1]') "
                "AND e.target = json_extract(j.value, '$[2]') "
                "AND e.mode = json_extract(j.value, '$[3]')", (_json(idents),))}
        db.executemany(
            "INSERT INTO evidence (edge_id, doc_id, sentence_index, sentence, date, via) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            sorted((edge_ids[(r.type, r.source, r.target, r.mode)], r.doc_id, r.sentence_index,
                    r.sentence, r.date, _json(r.via)) for r in batch.evidence))
        touched_entities.update(end for ident in edge_ids for end in ident[1:3])

        db.executemany(
            "INSERT INTO open_routes (doc_id, sentence_index, source, target, mode, via, "
            "sentence, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(r.doc_id, r.sentence_index, r.source, r.target, r.mode, _json(r.via), r.sentence,
              r.date) for r in batch.extra.get(OPEN_ROUTES, ())],
        )

        # The day tables first: an edge or entity whose figures a delta cannot settle is
        # recomputed from them.
        self._add_derived(db, doc_ids, +1)
        self._update_edges(db, taken_edges, self._edge_contributions(db, doc_ids))
        self._update_entities(db, touched_entities, taken_entities,
                              self._entity_contributions(db, doc_ids))
        if batch.high_water_mark is not None:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_mark_key(batch.writer), str(batch.high_water_mark)),
            )

    # What documents contribute to trend_days, in one statement over the rows that ``{docs}``
    # selects by document id: a JSON list of ids, or every document.
    _TREND_DAYS = """
        SELECT 'documents', '', substr(published, 1, 10), count(*) FROM documents
        WHERE relevant = 1 AND id {docs} GROUP BY 3
        UNION ALL
        SELECT 'label', substr(entity, 1, instr(entity, ':') - 1), substr(date, 1, 10), count(*)
        FROM mentions WHERE doc_id {docs} GROUP BY 2, 3
        UNION ALL
        SELECT 'relation', e.type || '|' || e.mode, p.day, count(*) FROM (
            SELECT edge_id, min(substr(date, 1, 10)) AS day FROM evidence
            WHERE doc_id {docs} GROUP BY edge_id, doc_id
        ) p JOIN edges e ON e.id = p.edge_id GROUP BY 2, 3"""

    # Per entity and day, and per edge and day, what ``{docs}`` contribute.
    _ENTITY_DAYS = ("SELECT date, entity, sum(count), count(*) FROM mentions WHERE doc_id {docs} "
                    "GROUP BY date, entity")
    _EDGE_DAYS = ("SELECT v.date, v.edge_id, e.type, count(*), count(DISTINCT v.doc_id) "
                  "FROM evidence v JOIN edges e ON e.id = v.edge_id WHERE v.doc_id {docs} "
                  "GROUP BY 1, 2")

    def _add_derived(self, db: sqlite3.Connection, doc_ids: str | None, sign: int) -> None:
        """Add (sign +1) or take away (-1) what these documents (a JSON list of ids; None:
        all) contribute to the derived day tables; rows taken down to nothing go."""
        # Two forms, not "? IS NULL OR id IN ...": the OR would cost SQLite its index
        # and every batch would scan the whole store.
        docs, params = ("IS NOT NULL", ()) if doc_ids is None else (f"IN {IN_LIST}", (doc_ids,))
        trend = [(kind, key, day, sign * n) for kind, key, day, n in
                 db.execute(self._TREND_DAYS.format(docs=docs), params * 3)]
        entity = [(date, key, sign * m, sign * n) for date, key, m, n in
                  db.execute(self._ENTITY_DAYS.format(docs=docs), params)]
        edge = [(date, edge_id, type_, sign * n, sign * d) for date, edge_id, type_, n, d in
                db.execute(self._EDGE_DAYS.format(docs=docs), params)]
        db.executemany(
            "INSERT INTO trend_days (kind, key, day, n) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, key, day) DO UPDATE SET n = n + excluded.n", trend)
        db.executemany(
            "INSERT INTO entity_days (date, entity, mentions, documents) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (date, entity) DO UPDATE SET mentions = mentions + excluded.mentions, "
            "documents = documents + excluded.documents", entity)
        db.executemany(
            "INSERT INTO edge_days (date, edge_id, type, n, documents) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (date, edge_id) DO UPDATE SET n = n + excluded.n, "
            "documents = documents + excluded.documents", edge)
        if sign < 0:
            db.executemany("DELETE FROM trend_days WHERE kind = ? AND key = ? AND day = ? "
                           "AND n <= 0", [r[:3] for r in trend])
            db.executemany("DELETE FROM entity_days WHERE date = ? AND entity = ? "
                           "AND documents <= 0", [r[:2] for r in entity])
            db.executemany("DELETE FROM edge_days WHERE date = ? AND edge_id = ? AND n <= 0",
                           [r[:2] for r in edge])

    def _fill_derived(self) -> None:
        """Work the derived day tables out from the tables (a store written before them)."""
        def work(db: sqlite3.Connection) -> None:
            for table in DERIVED_TABLES:
                db.execute(f"DELETE FROM {table}")
            self._add_derived(db, None, +1)
            db.execute("INSERT INTO meta (key, value) VALUES ('derived', ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       (DERIVED_VERSION,))

        self._write(work, bump=False)

    @staticmethod
    def _entity_contributions(db: sqlite3.Connection, doc_ids: str) -> dict[str, Figures]:
        """Per entity, what these documents' mentions add up to."""
        return {key: Figures(count, documents, first, last)
                for key, count, documents, first, last in db.execute(
                    "SELECT entity, sum(count), count(*), min(date), max(date) FROM mentions "
                    f"WHERE doc_id IN {IN_LIST} GROUP BY entity", (doc_ids,))}

    @staticmethod
    def _edge_contributions(db: sqlite3.Connection, doc_ids: str) -> dict[int, Figures]:
        """Per edge, what these documents' evidence rows add up to."""
        rows: dict[int, list] = {}
        for edge_id, date, via in db.execute(
            f"SELECT edge_id, date, via FROM evidence WHERE doc_id IN {IN_LIST}", (doc_ids,)
        ):
            row = rows.setdefault(edge_id, [0, date, date, set()])
            row[0] += 1
            row[1], row[2] = min(row[1], date), max(row[2], date)
            if via != "[]":
                row[3].update(json.loads(via))
        return {edge_id: Figures(count, 0, first, last, frozenset(via))
                for edge_id, (count, first, last, via) in rows.items()}

    def _update_edges(self, db: sqlite3.Connection, taken: dict[int, Figures],
                      added: dict[int, Figures]) -> None:
        """Move the touched edges' figures by what the batch took and added; recompute only
        those a delta cannot settle (see ``updated_figures``); drop edges left empty."""
        ids = sorted(set(taken) | set(added))
        stored = {
            edge_id: Figures(weight, 0, first, last, frozenset(json.loads(via)))
            for edge_id, weight, first, last, via in db.execute(
                "SELECT id, weight, first_seen, last_seen, via FROM edges "
                f"WHERE id IN {IN_LIST}", (_json(ids),))}
        updates, recompute = [], set()
        for edge_id in ids:
            figures = updated_figures(stored.get(edge_id, NO_FIGURES), taken.get(edge_id),
                                      added.get(edge_id))
            if figures is None:
                recompute.add(edge_id)
            else:
                updates.append((figures.count, figures.first, figures.last,
                                _json(sorted(figures.via)), edge_id))
        db.executemany("UPDATE edges SET weight = ?, first_seen = ?, last_seen = ?, via = ? "
                       "WHERE id = ?", updates)
        if recompute:
            self._refresh_edges(db, recompute)
        db.execute(f"DELETE FROM edges WHERE id IN {IN_LIST} AND weight = 0", (_json(ids),))

    def _update_entities(self, db: sqlite3.Connection, touched: set[str],
                         taken: dict[str, Figures], added: dict[str, Figures]) -> None:
        """As ``_update_edges`` for entities' figures; an entity left with no mention and no
        edge goes."""
        keys = sorted(touched | set(taken) | set(added))
        stored = {
            key: Figures(mentions, documents, first, last)
            for key, mentions, documents, first, last in db.execute(
                "SELECT key, mentions, documents, first_seen, last_seen FROM entities "
                f"WHERE key IN {IN_LIST}", (_json(keys),))}
        updates, recompute = [], set()
        for key in sorted(set(taken) | set(added)):
            figures = updated_figures(stored.get(key, NO_FIGURES), taken.get(key),
                                      added.get(key))
            if figures is None:
                recompute.add(key)
            else:
                updates.append((figures.count, figures.documents, figures.first, figures.last,
                                key))
        db.executemany("UPDATE entities SET mentions = ?, documents = ?, first_seen = ?, "
                       "last_seen = ? WHERE key = ?", updates)
        if recompute:
            self._refresh_entities(db, recompute)
        db.execute(
            f"DELETE FROM entities WHERE key IN {IN_LIST} AND documents = 0 "
            "AND NOT EXISTS (SELECT 1 FROM edges WHERE source = entities.key) "
            "AND NOT EXISTS (SELECT 1 FROM edges WHERE target = entities.key)", (_json(keys),))

    @staticmethod
    def _refresh_edges(db: sqlite3.Connection, ids: set[int]) -> None:
        """Recompute the derived columns of these edges from their days and evidence."""
        ids_json = _json(sorted(ids))
        db.execute(
            "UPDATE edges SET (weight, first_seen, last_seen) = ("
            "  SELECT coalesce(sum(n), 0), coalesce(min(date), ''), coalesce(max(date), '')"
            "  FROM edge_days v WHERE v.edge_id = edges.id"
            f") WHERE id IN {IN_LIST}", (ids_json,))
        vias: dict[int, set[str]] = defaultdict(set)
        for edge_id, via in db.execute(
            f"SELECT DISTINCT edge_id, via FROM evidence WHERE edge_id IN {IN_LIST} "
            "AND via != '[]'", (ids_json,)
        ):
            vias[edge_id].update(json.loads(via))
        db.executemany("UPDATE edges SET via = ? WHERE id = ?",
                       [(_json(sorted(vias[i])), i) for i in sorted(ids)])

    @staticmethod
    def _refresh_entities(db: sqlite3.Connection, keys: set[str]) -> None:
        """Recompute these entities' figures from their days."""
        db.execute(
            "UPDATE entities SET (mentions, documents, first_seen, last_seen) = ("
            "  SELECT coalesce(sum(mentions), 0), coalesce(sum(documents), 0),"
            "  coalesce(min(date), ''), coalesce(max(date), '') FROM entity_days d"
            "  WHERE d.entity = entities.key"
            f") WHERE key IN {IN_LIST}", (_json(sorted(keys)),))

    def data_version(self) -> int:
        return self._version()

    def high_water_mark(self, writer: str = "") -> int:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (_mark_key(writer),))
        return int(rows[0][0]) if rows else 0

    def clear(self) -> None:
        def work(db: sqlite3.Connection) -> None:
            for table in ("documents", "entities", "mentions", "edges", "evidence", "open_routes",
                          *DERIVED_TABLES):
                db.execute(f"DELETE FROM {table}")
            db.execute("INSERT INTO meta (key, value) VALUES ('derived', ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       (DERIVED_VERSION,))
            db.execute("DELETE FROM meta WHERE key = 'high_water_mark' "
                       "OR key LIKE 'high_water_mark:%'")

        self._write(work)

    # -- building blocks ------------------------------------------------
    @staticmethod
    def _node(row: Sequence, figures: Sequence | None = None) -> EntityNode:
        key, label, name, lat, lon, aliases, mentions, documents, first, last = row
        if figures is not None:
            mentions, documents, first, last = figures
        return EntityNode(
            key=key, label=label, name=name, mentions=mentions, documents=documents,
            first_seen=first, last_seen=last, lat=lat, lon=lon,
            aliases=tuple(json.loads(aliases)),
        )

    _NODE_COLUMNS = ("key, label, name, lat, lon, aliases, mentions, documents, first_seen, "
                     "last_seen")

    def _nodes(self, keys: Iterable[str], since: str | None, until: str | None
               ) -> dict[str, EntityNode]:
        """EntityNodes for these keys with figures over the window (unknown keys left out)."""
        keys_json = _json(keys)
        rows = self._query(
            f"SELECT {self._NODE_COLUMNS} FROM entities WHERE key IN {IN_LIST}", (keys_json,))
        if since is None and until is None:
            return {r[0]: self._node(r) for r in rows}
        clause, params = _window("date", since, until)
        figures = {
            r[0]: r[1:]
            for r in self._query(
                "SELECT entity, sum(mentions), sum(documents), min(date), max(date) "
                f"FROM entity_days WHERE entity IN {IN_LIST}{clause} GROUP BY entity",
                (keys_json, *params))
        }
        return {r[0]: self._node(r, figures.get(r[0], (0, 0, "", ""))) for r in rows}

    def _ranked_by_mentions(self, label: str | None, since: str | None, until: str | None,
                            limit: int) -> list[EntityNode]:
        label_sql = " AND e.label = ?" if label is not None else ""
        label_params = [label] if label is not None else []
        if since is None and until is None:
            rows = self._query(
                f"SELECT {self._NODE_COLUMNS} FROM entities e WHERE e.mentions > 0{label_sql} "
                "ORDER BY e.mentions DESC, e.key LIMIT ?", (*label_params, limit))
            return [self._node(r) for r in rows]
        clause, params = _window("date", since, until)
        # A key is LABEL:name, so a label is a key range: no join with entities.
        prefix_sql = " AND entity >= ? AND entity < ?" if label is not None else ""
        prefix = [f"{label}:", f"{label};"] if label is not None else []
        rows = self._query(
            f"SELECT entity FROM entity_days WHERE 1{clause}{prefix_sql} GROUP BY entity "
            "ORDER BY sum(mentions) DESC, entity LIMIT ?", (*params, *prefix, limit))
        nodes = self._nodes([r[0] for r in rows], since, until)
        return [nodes[r[0]] for r in rows]

    def _edges(self, where: str, params: Sequence, since: str | None, until: str | None,
               evidence_limit: int | None,
               select: Callable[[list[tuple]], list[tuple]] | None = None,
               strongest: int | None = None) -> list[Edge]:
        """Edges matching ``where`` (over alias ``e``) with evidence in the window, figures and
        up to ``evidence_limit`` evidence (all when None) over the window, by (type, source,
        target, mode) unless ``select`` reorders or cuts the (id, type, source, target, mode,
        weight, first_seen, last_seen) rows first (then only those are completed). With
        ``strongest``, only that many rows, as ``strongest_edges`` keeps, are read at all."""
        clause, window_params = _window("v.date", since, until)
        windowed = since is not None or until is not None
        order, cut = "e.type, e.source, e.target, e.mode", ()
        if strongest is not None:
            # Ranked and cut by SQLite (its BINARY order of text is Python's): a window's
            # 15,000 routes never reach Python to be sorted there.
            order = f"{'sum(v.n)' if windowed else 'e.weight'} DESC, {order} LIMIT ?"
            cut = (max(strongest, 0),)
        if not windowed:  # all time: the figures the edges keep
            rows = self._query(
                "SELECT e.id, e.type, e.source, e.target, e.mode, e.weight, e.first_seen, "
                f"e.last_seen FROM edges e WHERE ({where}) AND e.weight > 0 ORDER BY {order}",
                (*params, *cut))
        else:
            rows = self._query(
                "SELECT e.id, e.type, e.source, e.target, e.mode, sum(v.n), min(v.date), "
                f"max(v.date) FROM edges e JOIN edge_days v ON v.edge_id = e.id "
                f"WHERE ({where}){clause} GROUP BY e.id ORDER BY {order}",
                (*params, *window_params, *cut))
        if strongest is not None:
            rows.sort(key=lambda r: (r[1], r[2], r[3], r[4]))
        if select is not None:
            rows = select(rows)
        if not rows:
            return []
        ids_json = _json(r[0] for r in rows)
        vias: dict[int, set[str]] = defaultdict(set)
        for edge_id, via in self._query(
            # Only edges whose all-time via is not empty can have via in the window: the
            # others (every CO_OCCURS) would have all their window's evidence read for nothing.
            f"SELECT DISTINCT v.edge_id, v.via FROM edges e JOIN evidence v ON v.edge_id = e.id "
            f"WHERE e.id IN {IN_LIST} AND e.via != '[]'{clause} AND v.via != '[]'",
            (ids_json, *window_params),
        ):
            vias[edge_id].update(json.loads(via))
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        # Reading all of the window's evidence and cutting here is cheaper when the edges
        # have little more than the limit each (a map's thousands of routes stated once or
        # twice); per-edge newest-first reads pay off for hub edges with thousands.
        plain = evidence_limit is None or sum(r[5] for r in rows) <= 4 * evidence_limit * len(rows)
        if plain and evidence_limit != 0:
            found = self._query(
                "SELECT v.edge_id, v.doc_id, v.sentence, v.date, coalesce(d.title, ''), "
                "coalesce(d.url, ''), coalesce(d.source, '') FROM evidence v "
                f"LEFT JOIN documents d ON d.id = v.doc_id WHERE v.edge_id IN {IN_LIST}{clause} "
                "ORDER BY v.edge_id, v.date DESC, v.doc_id, v.sentence_index",
                (ids_json, *window_params))
        elif evidence_limit is not None and evidence_limit > 0:
            # The newest few per edge, each edge's read along its (edge_id, date) index from
            # the newest end: ranking all of a hub edge's evidence in the window cost seconds.
            inner_clause, _ = _window("w.date", since, until)
            found = self._query(
                "SELECT v.edge_id, v.doc_id, v.sentence, v.date, coalesce(d.title, ''), "
                "coalesce(d.url, ''), coalesce(d.source, '') FROM json_each(?) j "
                "JOIN evidence v ON v.edge_id = j.value AND (v.doc_id, v.sentence_index) IN ("
                "  SELECT w.doc_id, w.sentence_index FROM evidence w "
                f"  WHERE w.edge_id = j.value{inner_clause} "
                "  ORDER BY w.date DESC, w.doc_id, w.sentence_index LIMIT ?) "
                "LEFT JOIN documents d ON d.id = v.doc_id "
                "ORDER BY v.edge_id, v.date DESC, v.doc_id, v.sentence_index",
                (ids_json, *window_params, evidence_limit))
        else:
            found = []
        for edge_id, doc_id, sentence, date, title, url, source in found:
            if evidence_limit is None or len(evidence[edge_id]) < evidence_limit:
                evidence[edge_id].append(Evidence(doc_id=doc_id, sentence=sentence, date=date,
                                                  title=title, url=url, source=source))
        # Looked up with ``in``: indexing the defaultdicts would make an empty set and list
        # for each of thousands of edges without via or evidence asked.
        return [
            Edge(type=t, source=s, target=g, mode=mode,
                 via=tuple(sorted(vias[i])) if i in vias else (),
                 weight=weight, first_seen=first, last_seen=last,
                 evidence=tuple(evidence[i]) if i in evidence else ())
            for i, t, s, g, mode, weight, first, last in rows
        ]

    def _summaries(self, rows: list[tuple]) -> list[DocumentSummary]:
        """DocumentSummaries for (id, title, url, source, published, relevant, language) rows."""
        keys: dict[str, list[str]] = defaultdict(list)
        for doc_id, entity in self._query(
            f"SELECT doc_id, entity FROM mentions WHERE doc_id IN {IN_LIST} ORDER BY entity",
            (_json(r[0] for r in rows),),
        ):
            keys[doc_id].append(entity)
        return [
            DocumentSummary(id=i, title=t, url=u, source=s, published=p, relevant=bool(rel),
                            language=lang, entities=tuple(keys[i]))
            for i, t, u, s, p, rel, lang in rows
        ]

    _DOC_COLUMNS = "d.id, d.title, d.url, d.source, d.published, d.relevant, d.language"

    def prepare(self) -> None:
        """Build what the graph queries of this data version share (the analysis graph)
        now, so that the first of them does not wait for it."""
        self._analysis_graph()

    def _analysis_graph(self) -> nx.Graph:
        """The networkx graph of all entity-entity edges, built once per data version."""
        cache_key = (self.uid, self._version())
        with _GRAPHS_LOCK:
            if cache_key in _GRAPHS:
                _GRAPHS.move_to_end(cache_key)
                return _GRAPHS[cache_key]
            building = _BUILDING.setdefault(cache_key, threading.Lock())
        # One build per version: a caller arriving meanwhile waits for it (two sessions
        # opening the explorer after a sync built one each, ~5 s and ~460 MB at 100k).
        with building:
            with _GRAPHS_LOCK:
                if cache_key in _GRAPHS:
                    return _GRAPHS[cache_key]
            with _collector_paused():
                built_key, nodes, edges, dates = self._graph_rows()
                G = build_graph(nodes, ((RelationSummary(t, s, g, m, w), dates[i])
                                        for i, t, s, g, m, w in edges))
            with _GRAPHS_LOCK:
                _GRAPHS[built_key] = G
                _BUILDING.pop(cache_key, None)
                _evict_graphs(G)
        return G

    @_one_snapshot
    def _graph_rows(self):
        """Nodes, edges and evidence dates, read under the version they are keyed by."""
        cache_key = (self.uid, self._version())
        nodes = self._query("SELECT key, label FROM entities")
        edges = self._query("SELECT id, type, source, target, mode, weight FROM edges")
        dates: dict[int, list[str]] = defaultdict(list)
        # The days an edge has evidence on are enough to test a window.
        for edge_id, date in self._query("SELECT edge_id, date FROM edge_days"):
            dates[edge_id].append(date)
        return cache_key, nodes, edges, dates

    # -- queries --------------------------------------------------------
    @_one_snapshot
    def counts(self) -> dict:
        docs, relevant = self._query(
            "SELECT count(*), coalesce(sum(relevant), 0) FROM documents")[0]
        return {
            "documents": docs,
            "relevant_documents": relevant,
            "entities": dict(self._query(
                "SELECT label, count(*) FROM entities GROUP BY label ORDER BY label")),
            "relations": dict(self._query(
                "SELECT type, count(*) FROM edges GROUP BY type ORDER BY type")),
        }

    def search_entities(self, query: str, label: str | None = None, limit: int = 20
                        ) -> list[EntityNode]:
        needle = fold(query).replace("\x1f", "")
        label_sql = " AND label = ?" if label is not None else ""
        rows = self._query(
            f"SELECT {self._NODE_COLUMNS} FROM entities WHERE instr(search_text, ?) > 0{label_sql} "
            "ORDER BY instr(search_text, ?) = 0, mentions DESC, key LIMIT ?",
            (needle, *([label] if label is not None else []), f"\x1f{needle}\x1f", limit))
        return [self._node(r) for r in rows]

    def entity(self, key: str) -> EntityNode | None:
        return self._nodes([key], None, None).get(key)

    @_one_snapshot
    def entity_profile(
        self, key: str, since: str | None = None, until: str | None = None,
        neighbour_limit: int = 50, evidence_limit: int = 5,
    ) -> EntityProfile | None:
        node = self._nodes([key], since, until).get(key)
        if node is None:
            return None
        clause, params = _window("date", since, until)
        by_month = self._query(
            "SELECT substr(date, 1, 7) AS month, sum(mentions) FROM entity_days "
            f"WHERE entity = ?{clause} GROUP BY month ORDER BY month", (key, *params))

        def other(edge: Edge) -> str:
            return edge.target if edge.source == key else edge.source

        def strongest(rows: list[tuple]) -> list[tuple]:
            # (id, type, source, target, mode, weight, ...): weight desc, neighbour, then id
            return sorted(rows, key=lambda r: (
                -r[5], r[3] if r[2] == key else r[2], r[1], r[2], r[3], r[4]))[:neighbour_limit]

        edges = self._edges("e.source = ? OR e.target = ?", (key, key), since, until,
                            evidence_limit, select=strongest)
        neighbours = self._nodes({other(e) for e in edges}, since, until)
        # A mention is dated by its document's published: the newest are read along the
        # (entity, date) index instead of sorting all of a hub's documents.
        doc_clause, doc_params = _window("m.date", since, until)
        docs = self._query(
            f"SELECT {self._DOC_COLUMNS} FROM mentions m JOIN documents d ON d.id = m.doc_id "
            f"WHERE m.entity = ?{doc_clause} ORDER BY m.date DESC, m.doc_id LIMIT ?",
            (key, *doc_params, PROFILE_DOCUMENTS))
        return EntityProfile(
            entity=node,
            mentions_by_month=tuple((m, n) for m, n in by_month),
            neighbours=tuple((neighbours[other(e)], e) for e in edges),
            documents=tuple(self._summaries(docs)),
        )

    @_one_snapshot
    def neighbourhood(
        self, key: str, depth: int = 1, labels: tuple[str, ...] | None = None,
        since: str | None = None, until: str | None = None, limit: int = 200,
        edge_limit: int = NEIGHBOURHOOD_EDGES,
    ) -> Subgraph:
        reached = neighbourhood_nodes(self._analysis_graph(), key, depth, labels, since, until)
        if not reached:
            return Subgraph(nodes=(), edges=())
        nodes = self._nodes(reached, since, until)
        order = sorted(
            nodes.values(),
            key=lambda n: (n.key != key, reached[n.key], -n.mentions, n.key))[:limit]
        kept = _json(n.key for n in order)
        edges = self._edges(f"e.source IN {IN_LIST} AND e.target IN {IN_LIST}",
                            (kept, kept), since, until, NEIGHBOURHOOD_EVIDENCE,
                            select=lambda rows: strongest_edges(rows, edge_limit))
        return Subgraph(nodes=tuple(order), edges=tuple(edges))

    @_one_snapshot
    def shortest_path(self, source: str, target: str, max_hops: int = 6) -> list[Edge]:
        hops = shortest_path_edges(self._analysis_graph(), source, target, max_hops)
        path = []
        for hop in hops:
            found = self._edges(
                "e.type = ? AND e.source = ? AND e.target = ? AND e.mode = ?",
                hop.id, None, None, PATH_EVIDENCE)
            path.extend(found)
        return path if len(path) == len(hops) else []

    @_one_snapshot
    def paths(
        self, source: str, target: str, max_hops: int = 6,
        types: tuple[str, ...] | None = None, limit: int = MAX_PATHS,
        evidence_limit: int | None = None,
    ) -> list[EntityPath]:
        wanted = ENTITY_RELATION_TYPES if types is None else types
        found = shortest_typed_hops(self._analysis_graph(), source, target, max_hops, wanted,
                                    limit)
        if not found:
            return []
        keys = _json(sorted({key for nodes, _ in found for key in nodes}))
        hop_ids = {relation.id for _, hops in found for relation in hops}
        # The other edges among the paths' entities are dropped before evidence is read.
        edges = self._edges(f"e.source IN {IN_LIST} AND e.target IN {IN_LIST}", (keys, keys),
                            None, None, evidence_limit,
                            select=lambda rows: [r for r in rows if tuple(r[1:5]) in hop_ids])
        return with_edges(found, edges)

    def top_entities(
        self, label: str, since: str | None = None, until: str | None = None, limit: int = 10
    ) -> list[EntityNode]:
        return self._ranked_by_mentions(label, since, until, limit)

    @_one_snapshot
    def documents(
        self, query: str = "", since: str | None = None, until: str | None = None,
        relevant_only: bool = False, entity: str | None = None, limit: int = 50, offset: int = 0,
    ) -> list[DocumentSummary]:
        clause, params = _window("d.published", since, until)
        sql = f"SELECT {self._DOC_COLUMNS} FROM documents d WHERE instr(d.title_folded, ?) > 0"
        sql += clause
        params = [fold(query), *params]
        if relevant_only:
            sql += " AND d.relevant = 1"
        if entity is not None:
            sql += " AND EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = d.id AND m.entity = ?)"
            params.append(entity)
        sql += " ORDER BY d.published DESC, d.id LIMIT ? OFFSET ?"
        return self._summaries(self._query(sql, (*params, limit, offset)))

    @_one_snapshot
    def overview(self, since: str | None = None, until: str | None = None, limit: int = 10
                 ) -> Overview:
        doc_clause, doc_params = _window("published", since, until)
        docs = self._query(
            f"SELECT count(*) FROM documents WHERE 1{doc_clause}", doc_params)[0][0]
        day_clause, day_params = _window("day", since, until)
        relevant = self._query(
            "SELECT coalesce(sum(n), 0) FROM trend_days WHERE kind = 'documents' AND key = ''"
            f"{day_clause}", day_params)[0][0]
        clause, params = _window("date", since, until)
        # One pass over the window's entity days gives both the count and the ranking.
        if since is None and until is None:
            sums = self._query("SELECT key, mentions FROM entities WHERE mentions > 0")
            relations = self._query("SELECT count(*) FROM edges")[0][0]
        else:
            sums = self._query(
                f"SELECT entity, sum(mentions) FROM entity_days WHERE 1{clause} GROUP BY entity",
                params)
            relations = self._query(
                f"SELECT count(DISTINCT edge_id) FROM edge_days WHERE 1{clause}", params)[0][0]
        entities = len(sums)
        top_keys = [k for k, _ in sorted(sums, key=lambda r: (-r[1], r[0]))[:limit]]
        top_nodes = self._nodes(top_keys, since, until)
        newest_clause, newest_params = _window("d.published", since, until)
        newest = self._query(
            f"SELECT {self._DOC_COLUMNS} FROM documents d WHERE d.relevant = 1{newest_clause} "
            "ORDER BY d.published DESC, d.id LIMIT ?", (*newest_params, limit))
        first_clause, first_params = _window("first_seen", since, until)
        first_keys = [r[0] for r in self._query(
            f"SELECT key FROM entities WHERE first_seen != ''{first_clause} "
            "ORDER BY first_seen DESC, key LIMIT ?", (*first_params, limit))]
        first_nodes = self._nodes(first_keys, since, until)
        return Overview(
            documents=docs,
            relevant_documents=relevant,
            entities=entities,
            relations=relations,
            newest_documents=tuple(self._summaries(newest)),
            top_entities=tuple(top_nodes[k] for k in top_keys),
            first_seen=tuple(first_nodes[k] for k in first_keys),
        )

    @_one_snapshot
    def edges(self, types: tuple[str, ...] | None = None, since: str | None = None,
              until: str | None = None, evidence_limit: int | None = None,
              limit: int | None = None) -> list[Edge]:
        wanted = ENTITY_RELATION_TYPES if types is None else types
        # The cut comes before any evidence is read, so a map's 500 strongest routes cost
        # 500 routes' evidence, not the window's 15,000.
        return self._edges(f"e.type IN {IN_LIST}", (_json(wanted),), since, until,
                           evidence_limit, strongest=limit)

    @_one_snapshot
    def edge_count(self, types: tuple[str, ...] | None = None, since: str | None = None,
                   until: str | None = None) -> int:
        wanted = _json(ENTITY_RELATION_TYPES if types is None else types)
        clause, params = _window("d.date", since, until)
        # An edge is in the window when it has a day there; every stored edge has one.
        return self._query(
            f"SELECT count(*) FROM edges e WHERE e.type IN {IN_LIST} AND EXISTS ("
            f"SELECT 1 FROM edge_days d WHERE d.edge_id = e.id{clause})", (wanted, *params))[0][0]

    # -- embedded extras (not part of GraphStore) ------------------------
    def trend_facts(self) -> EmbeddedTrendFacts:
        """What ``graph.trends.trends_report`` asks, answered with aggregates."""
        return EmbeddedTrendFacts(self)

    def open_route_count(self) -> int:
        """ROUTE statements kept aside because one end is unnamed."""
        return self._query("SELECT count(*) FROM open_routes")[0][0]


class EmbeddedTrendFacts:
    """``graph.trends.ProtocolTrendFacts``' questions answered in SQL: per-day
    counts from ``trend_days``, per-item counts by GROUP BY over the periods
    asked, documents and evidence only for the items the report lists. Both
    give the same answers (tests/graph/test_trend_facts.py)."""

    def __init__(self, store: EmbeddedGraphStore) -> None:
        self.store = store
        self._query = store._query

    def relevant_days(self, since: str | None, until: str | None) -> list[tuple[str, int]]:
        clause, params = _window("day", since, until)
        return self._query(
            f"SELECT day, n FROM trend_days WHERE kind = 'documents' AND key = ''{clause} "
            "ORDER BY day", params)

    def oldest_relevant_day(self) -> str | None:
        return self._query("SELECT min(day) FROM trend_days WHERE kind = 'documents'")[0][0]

    def day_counts(self, since: str, until: str) -> tuple[dict, dict]:
        from graph.trends import day_counts_of

        return day_counts_of(self._query(
            "SELECT kind, key, day, n FROM trend_days WHERE kind IN ('label', 'relation') "
            "AND day >= ? AND day <= ?", (since, until)))

    def entity_counts(self, start: str, split: str, until: str) -> dict[str, tuple[int, int]]:
        recent = dict(self._query(
            "SELECT entity, sum(documents) FROM entity_days WHERE date >= ? AND date <= ? "
            "GROUP BY entity", (split, until)))
        baseline = dict(self._query(
            f"SELECT entity, sum(documents) FROM entity_days WHERE entity IN {IN_LIST} "
            "AND date >= ? AND date < ? GROUP BY entity", (_json(recent), start, split)))
        return {k: (baseline.get(k, 0), n) for k, n in recent.items()}

    def relation_counts(self, types: Sequence[str], start: str, split: str, until: str
                        ) -> list[tuple[Edge, int, int]]:
        # A document's evidence all bears its date, so documents per edge and day add up
        # to the documents of a period.
        recent = {
            r[0]: (Edge(type=r[1], source=r[2], target=r[3], mode=r[4], first_seen=r[5]), r[6])
            for r in self._query(
                "SELECT e.id, e.type, e.source, e.target, e.mode, e.first_seen, r.documents "
                "FROM (SELECT edge_id, sum(documents) AS documents FROM edge_days "
                f"      WHERE date >= ? AND date <= ? AND type IN {IN_LIST} GROUP BY edge_id) r "
                "JOIN edges e ON e.id = r.edge_id",
                (split, until, _json(types)))
        }
        baseline = dict(self._query(
            f"SELECT edge_id, sum(documents) FROM edge_days WHERE edge_id IN {IN_LIST} "
            "AND date >= ? AND date < ? GROUP BY edge_id", (_json(recent), start, split)))
        return [(edge, baseline.get(i, 0), n) for i, (edge, n) in sorted(recent.items())
                if n > 0]

    def first_seen(self, keys: Iterable[str]) -> dict[str, str]:
        return {k: f[:10] for k, f in self._query(
            f"SELECT key, first_seen FROM entities WHERE key IN {IN_LIST} AND first_seen != ''",
            (_json(sorted(set(keys))),))}

    def first_seen_in(self, since: str, until: str) -> dict[str, str]:
        return {k: f[:10] for k, f in self._query(
            "SELECT key, first_seen FROM entities WHERE first_seen >= ? AND first_seen <= ? "
            "AND first_seen != ''", (since, until))}

    def top_entities(self, since: str, until: str, limit: int) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT entity FROM entity_days WHERE date >= ? AND date <= ? GROUP BY entity "
            "ORDER BY sum(documents) DESC, entity LIMIT ?", (since, until, limit))]

    def entity_days(self, keys: Iterable[str], since: str, until: str) -> dict[str, Counter]:
        found: dict[str, Counter] = defaultdict(Counter)
        for key, day, n in self._query(
            f"SELECT entity, date, documents FROM entity_days WHERE entity IN {IN_LIST} "
            "AND date >= ? AND date <= ?",
            (_json(sorted(set(keys))), since, until),
        ):
            found[key][day[:10]] += n
        return dict(found)

    def entity_documents(self, keys: Iterable[str], since: str, until: str, newest_first: bool,
                         limit: int) -> dict:
        from graph.trends import SourceDocument

        keys_json = _json(sorted(set(keys)))
        order = "DESC" if newest_first else "ASC"
        found: dict[str, tuple[int, list]] = {
            k: (n, []) for k, n in self._query(
                f"SELECT entity, sum(documents) FROM entity_days WHERE entity IN {IN_LIST} "
                "AND date >= ? AND date <= ? GROUP BY entity", (keys_json, since, until))}
        if limit <= 0:  # counts only: no document is read for thousands of entities
            return found
        # Each entity's first few along its (entity, date) index, not all of a hub's ranked.
        for key, doc_id, title, day, url, source in self._query(
            "SELECT j.value, d.id, d.title, substr(d.published, 1, 10), d.url, d.source "
            "FROM json_each(?) j JOIN mentions m ON m.entity = j.value AND m.doc_id IN ("
            "  SELECT w.doc_id FROM mentions w WHERE w.entity = j.value AND w.date >= ? "
            f"  AND w.date <= ? ORDER BY w.date {order}, w.doc_id {order} LIMIT ?) "
            f"JOIN documents d ON d.id = m.doc_id ORDER BY j.value, m.date {order}, "
            f"m.doc_id {order}",
            (keys_json, since, until, limit),
        ):
            found[key][1].append(SourceDocument(id=doc_id, title=title, date=day, url=url,
                                                source=source))
        return found

    def _ids(self, edges: Iterable[Edge]) -> str:
        idents = _json([e.type, e.source, e.target, e.mode] for e in edges)
        return _json(r[0] for r in self._query(
            "SELECT e.id FROM json_each(?) j JOIN edges e ON e.type = json_extract(j.value, "
            "'$[0]') AND e.source = json_extract(j.value, '$[1]') AND e.target = "
            "json_extract(j.value, '$[2]') AND e.mode = json_extract(j.value, '$[3]')",
            (idents,)))

    def with_evidence(self, edges: Iterable[Edge], until: str) -> list[Edge]:
        ids = self._ids(edges)
        return self.store._edges(f"e.id IN {IN_LIST}", (ids,), None, until, None)

    def edge_documents(self, edges: Iterable[Edge], since: str, until: str, limit: int,
                       newest_first: bool = True) -> dict[str, list]:
        from graph.trends import SourceDocument, relation_key

        ids = self._ids(edges)
        # Every edge existing at ``until`` has an answer, [] when it has no document here.
        found: dict[str, dict[str, SourceDocument]] = {
            relation_key(Edge(type=t, source=s, target=g, mode=m)): {}
            for t, s, g, m in self._query(
                f"SELECT type, source, target, mode FROM edges WHERE id IN {IN_LIST} "
                "AND first_seen <= ?", (ids, until))}
        order = "DESC" if newest_first else "ASC"
        # Each edge's first documents along its (edge_id, date) index, once per edge (as a
        # correlated IN list, SQLite ran it for every piece of evidence of a hub in the
        # window: seconds over a year), then their evidence by key for the first sentence.
        firsts = [[edge_id, doc_id] for edge_id, docs in self._query(
            "SELECT j.value, (SELECT json_group_array(doc_id) FROM (SELECT DISTINCT w.doc_id "
            "  FROM evidence w WHERE w.edge_id = j.value AND w.date >= ?2 AND w.date <= ?3 "
            f"  ORDER BY w.date {order}, w.doc_id {order} LIMIT ?4)) FROM json_each(?1) j",
            (ids, since, until, limit)) for doc_id in json.loads(docs)]
        for type_, source, target, mode, doc_id, day, sentence, title, url, site in self._query(
            "SELECT e.type, e.source, e.target, e.mode, v.doc_id, v.date, v.sentence, "
            "coalesce(d.title, ''), coalesce(d.url, ''), coalesce(d.source, '') "
            "FROM json_each(?1) j JOIN edges e ON e.id = j.value ->> 0 "
            "JOIN evidence v ON v.edge_id = e.id AND v.doc_id = j.value ->> 1 "
            "AND v.date >= ?2 AND v.date <= ?3 LEFT JOIN documents d ON d.id = v.doc_id "
            f"ORDER BY e.id, v.date {order}, v.doc_id {order}, v.sentence_index",
            (_json(firsts), since, until),
        ):
            key = relation_key(Edge(type=type_, source=source, target=target, mode=mode))
            found.setdefault(key, {}).setdefault(doc_id, SourceDocument(
                id=doc_id, title=title, date=day[:10], url=url, source=site, sentence=sentence))
        return {key: list(docs.values()) for key, docs in found.items()}

    def _summaries(self, where: str, params: Sequence, until: str) -> list[Edge]:
        return [Edge(type=t, source=s, target=g, mode=m, first_seen=f)
                for t, s, g, m, f in self._query(
                    f"SELECT type, source, target, mode, first_seen FROM edges e WHERE {where} "
                    "AND first_seen <= ? ORDER BY type, source, target, mode",
                    (*params, until))]

    def route_edges(self, until: str) -> list[Edge]:
        return self._summaries("type = ?", (ROUTE,), until)

    def located_in(self, until: str) -> list[Edge]:
        # Evidence up to ``until``: the stored weight when all of it is, else counted.
        return [Edge(type=LOCATED_IN, source=s, target=g, mode=m, weight=w)
                for s, g, m, w in self._query(
                    "SELECT e.source, e.target, e.mode, CASE WHEN e.last_seen <= ?1 THEN e.weight "
                    "ELSE (SELECT count(*) FROM evidence v WHERE v.edge_id = e.id "
                    "AND v.date <= ?1) END FROM edges e WHERE e.type = ?2 AND e.first_seen <= ?1 "
                    "ORDER BY e.source, e.target, e.mode", (until, LOCATED_IN))]

    def route_ends(self, until: str) -> set[str]:
        return {k for (k,) in self._query(
            f"SELECT source FROM edges WHERE type = ?1 AND first_seen <= ?2 AND {NAMED_MODE} "
            f"UNION SELECT target FROM edges WHERE type = ?1 AND first_seen <= ?2 AND {NAMED_MODE}",
            (ROUTE, until))}

    def mode_change_routes(self, since: str, until: str, countries: dict[str, str]
                           ) -> tuple[list[Edge], set[tuple[str, str]]]:
        """Only the routes of pairs and corridors where a mode first reported in the window
        follows another mode, found from per-mode first dates in SQL; a pair or corridor is
        taken whole, so the report finds on it what it finds on all routes."""
        pairs = self._query(
            "SELECT DISTINCT n.source, n.target FROM edges n WHERE n.type = ?1 "
            f"AND n.{NAMED_MODE} AND n.first_seen >= ?2 AND n.first_seen <= ?3 AND EXISTS ("
            "  SELECT 1 FROM edges o WHERE o.type = ?1 AND o.source = n.source "
            f"  AND o.target = n.target AND o.{NAMED_MODE} AND o.mode != n.mode "
            "  AND o.first_seen < n.first_seen)", (ROUTE, since, until))
        # Per corridor and mode the first date, over routes placed at both ends.
        places = "c(place, country) AS MATERIALIZED (SELECT key, value FROM json_each(?2))"
        firsts: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for origin, destination, mode, first in self._query(
            f"WITH {places} SELECT a.country, b.country, e.mode, min(e.first_seen) "
            "FROM c a JOIN edges e ON e.type = ?1 AND e.source = a.place "
            "JOIN c b ON b.place = e.target "
            f"WHERE e.{NAMED_MODE} AND e.first_seen <= ?3 AND a.country != b.country "
            "GROUP BY a.country, b.country, e.mode",
            (ROUTE, _json_object(countries), until)):
            firsts[(origin, destination)][mode] = first
        corridors = {
            corridor for corridor, by_mode in firsts.items()
            if any(since <= first <= until and any(other < first for m, other in by_mode.items()
                                                   if m != mode)
                   for mode, first in by_mode.items())}
        return [Edge(type=ROUTE, source=s, target=t, mode=m, first_seen=f)
                for s, t, m, f in self._query(
                    f"WITH {places}, k(origin, destination) AS (SELECT value ->> 0, value ->> 1 "
                    "  FROM json_each(?4)), "
                    "ends(source, target) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?5) "
                    "  UNION SELECT a.place, b.place FROM k JOIN c a ON a.country = k.origin "
                    "  JOIN c b ON b.country = k.destination) "
                    # CROSS JOIN: each pair looked up along the key index, not a scan.
                    "SELECT e.source, e.target, e.mode, e.first_seen FROM ends "
                    "CROSS JOIN edges e ON e.type = ?1 AND e.source = ends.source "
                    f"AND e.target = ends.target WHERE e.{NAMED_MODE} AND e.first_seen <= ?3 "
                    "ORDER BY e.source, e.target, e.mode, e.first_seen",
                    (ROUTE, _json_object(countries), until, _json(sorted(corridors)),
                     _json(pairs)))], corridors

    def pair_edges(self, pairs: Iterable[tuple[str, str, str]], until: str) -> list[Edge]:
        return [Edge(type=t, source=s, target=g, mode=m, first_seen=f)
                for t, s, g, m, f in self._query(
                    "SELECT e.type, e.source, e.target, e.mode, e.first_seen FROM json_each(?) j "
                    "JOIN edges e ON e.type = json_extract(j.value, '$[0]') "
                    "AND e.source = json_extract(j.value, '$[1]') "
                    "AND e.target = json_extract(j.value, '$[2]') WHERE e.first_seen <= ? "
                    "ORDER BY e.type, e.source, e.target, e.mode",
                    (_json(dict.fromkeys(tuple(p) for p in pairs)), until))]

    def new_relation_pairs(self, types: Sequence[str], since: str, until: str, limit: int
                           ) -> tuple[int, list[tuple[str, str, str, int]]]:
        # A pair is new when it has an edge first seen in the window and none before. Its
        # documents in the window: from edge_days when it has one mode (a document counts
        # once a day), by its evidence when several modes may share a document. The "+"
        # keeps SQLite on the (type, source, target) key for the "none before" test.
        rows = self._query(
            "SELECT count(*) OVER (), n.type, n.source, n.target, CASE WHEN n.modes = 1 THEN ("
            "  SELECT coalesce(sum(d.documents), 0) FROM edge_days d WHERE d.edge_id = n.one "
            "  AND d.date >= ?1 AND d.date <= ?2) "
            "ELSE (SELECT count(DISTINCT v.doc_id) FROM edges o JOIN evidence v "
            "  ON v.edge_id = o.id WHERE o.type = n.type AND o.source = n.source "
            "  AND o.target = n.target AND v.date >= ?1 AND v.date <= ?2) END AS documents "
            "FROM ("
            "  SELECT p.type, p.source, p.target, min(p.first_seen) AS first, "
            "  count(*) AS modes, min(p.id) AS one FROM edges p "
            f"  WHERE p.type IN {IN_LIST.replace('?', '?3')} "
            "  AND p.first_seen >= ?1 AND p.first_seen <= ?2 AND NOT EXISTS ("
            "    SELECT 1 FROM edges o WHERE o.type = p.type AND o.source = p.source "
            "    AND o.target = p.target AND +o.first_seen < ?1) "
            "  GROUP BY p.type, p.source, p.target"
            ") n ORDER BY documents DESC, n.first DESC, n.type, n.source, n.target LIMIT ?4",
            (since, until, _json(types), limit))
        return (rows[0][0] if rows else 0), [tuple(r[1:]) for r in rows]

    def window_dates(self, since: str, until: str) -> list[tuple[str, str]]:
        return self._query("SELECT id, published FROM documents WHERE relevant = 1 "
                           "AND published >= ? AND published <= ?", (since, until))

    def summaries(self, ids: Iterable[str]) -> list[DocumentSummary]:
        return [DocumentSummary(id=i, title=t, url=u, source=s, published=p, relevant=bool(r),
                                language=lang)
                for i, t, u, s, p, r, lang in self._query(
                    f"SELECT {EmbeddedGraphStore._DOC_COLUMNS} FROM json_each(?) j "
                    "JOIN documents d ON d.id = j.value ORDER BY j.key", (_json(ids),))]
