"""The trends report's questions answered by the Neo4j server.

``Neo4jTrendFacts`` answers what ``graph.trends.ProtocolTrendFacts`` answers,
answer for answer, without reading the whole graph: counts per day (relevant
documents, (document, entity) pairs per label, (document, edge) pairs per
relation type and mode) and per entity are sums of the store's per-day rollups
(``TrendDay`` and ``EntityDay`` nodes, as the embedded store sums its
``trend_days`` and ``entity_days``), relations are counted on the server from
their evidence, and only the documents and edges the report lists come back
with their details. The same dating rules apply: an entity counts once per
relevant document mentioning it, dated by the mention's date (the document's
``published``); a relation once per document with evidence for it, dated by
that document's first evidence in the period asked. A relation's history is
its evidence up to the window's end, so an edge "exists" at ``until`` when its
first date is no later (``first_seen`` is the first of its sorted ``dates``).

Window tests compare whole strings, as ``Neo4jGraphStore.documents`` and
``edges`` do; for a ``YYYY-MM-DD`` lower end that is the same as comparing the
day, and it lets the planner use the date indexes. Final orders are applied
in Python, so string order is Python's; the cuts made on the server (the top
entities, the few documents listed per entity or edge) share the caveat of
``graph.neo4j_store`` about strings beyond U+FFFF.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from graph.model import DocumentSummary, Edge
from graph.neo4j_store import (
    DOC_FIELDS,
    EDGE_SEPARATOR,
    _complete,
    _edge_fields,
    _Relation,
    _window,
    edge_id,
    relation_type,
)
from graph.trends import UNNAMED_MODES, SourceDocument, day_counts_of, relation_key
from nlp.taxonomy import LOCATED_IN, ROUTE

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jGraphStore

# A relevant document published in [$since, $until].
IN_WINDOW = ("d.relevant AND d.published IS NOT NULL "
             "AND d.published >= $since AND d.published <= $until")
# Evidence in [$since, $until]; an edge existing at $until.
EVIDENCE_IN_WINDOW = "v.date >= $since AND v.date <= $until"
EXISTS_AT_UNTIL = "r.first_seen <= $until"


class Neo4jTrendFacts:
    """``graph.trends.ProtocolTrendFacts``' questions answered in Cypher (see the
    module docstring); tests/graph/test_neo4j_trend_facts.py holds the two to
    the same report."""

    def __init__(self, store: Neo4jGraphStore) -> None:
        self.store = store

    def _rows(self, what: str, cypher: str, **params) -> list[tuple]:
        """The rows of one read query, as tuples."""
        return self.store._run(what, lambda tx: [tuple(r) for r in tx.run(cypher, params)])

    # -- documents and entities -------------------------------------------
    def relevant_days(self, since: str | None, until: str | None) -> list[tuple[str, int]]:
        return sorted(self._rows(
            "trends: relevant days",
            f"MATCH (x:TrendDay {{kind: 'documents', key: ''}}) WHERE true"
            f"{_window('x.day', since, until)} RETURN x.day, x.n", since=since, until=until))

    def oldest_relevant_day(self) -> str | None:
        rows = self._rows("trends: oldest relevant day",
                          "MATCH (x:TrendDay {kind: 'documents'}) RETURN min(x.day)")
        return rows[0][0] if rows else None

    def day_counts(self, since: str, until: str) -> tuple[dict[str, Counter], dict[tuple, Counter]]:
        return day_counts_of(self._rows(
            "trends: mentions per label and relations per type and mode, per day",
            "MATCH (x:TrendDay) WHERE x.kind IN ['label', 'relation'] "
            "AND x.day >= $since AND x.day <= $until RETURN x.kind, x.key, x.day, x.n",
            since=since, until=until))

    def entity_counts(self, start: str, split: str, until: str) -> dict[str, tuple[int, int]]:
        # The entities of the recent period, then their baseline, from their days.
        return {key: (baseline, recent) for key, recent, baseline in self._rows(
            "trends: entity counts",
            "MATCH (x:EntityDay) WHERE x.date >= $split AND x.date <= $until "
            "WITH x.entity AS key, sum(x.documents) AS recent "
            "OPTIONAL MATCH (y:EntityDay) WHERE y.entity = key "
            "AND y.date >= $start AND y.date < $split "
            "RETURN key, recent, sum(y.documents)", start=start, split=split, until=until)}

    def first_seen(self, keys: Iterable[str]) -> dict[str, str]:
        return dict(self._rows(
            "trends: first seen",
            "MATCH (e:Entity) WHERE e.key IN $keys AND e.first_seen <> '' "
            "RETURN e.key, substring(e.first_seen, 0, 10)", keys=sorted(set(keys))))

    def first_seen_in(self, since: str, until: str) -> dict[str, str]:
        # Along the first_seen index; only entities a relevant document of the window names.
        return dict(self._rows(
            "trends: first seen in the window",
            "MATCH (e:Entity) WHERE e.first_seen >= $since "
            "AND substring(e.first_seen, 0, 10) <= $until "
            "AND EXISTS { MATCH (x:EntityDay) WHERE x.entity = e.key "
            "AND x.date >= $since AND x.date <= $until } "
            "RETURN e.key, substring(e.first_seen, 0, 10)", since=since, until=until))

    def top_entities(self, since: str, until: str, limit: int) -> list[str]:
        rows = self._rows(
            "trends: top entities",
            "MATCH (x:EntityDay) WHERE x.date >= $since AND x.date <= $until "
            "WITH x.entity AS key, sum(x.documents) AS n ORDER BY n DESC, key LIMIT $limit "
            "RETURN key, n", since=since, until=until, limit=limit)
        return [key for key, _ in sorted(rows, key=lambda r: (-r[1], r[0]))]

    def entity_days(self, keys: Iterable[str], since: str, until: str) -> dict[str, Counter]:
        found: dict[str, Counter] = defaultdict(Counter)
        for key, day, n in self._rows(
            "trends: entity days",
            "MATCH (x:EntityDay) WHERE x.entity IN $keys AND x.date >= $since "
            "AND x.date <= $until RETURN x.entity, substring(x.date, 0, 10), x.documents",
            keys=sorted(set(keys)), since=since, until=until):
            found[key][day] += n
        return dict(found)

    def entity_documents(self, keys: Iterable[str], since: str, until: str, newest_first: bool,
                         limit: int) -> dict[str, tuple[int, list[SourceDocument]]]:
        wanted = sorted(set(keys))
        order = "DESC" if newest_first else "ASC"  # one of two fixed words
        params = {"keys": wanted, "since": since, "until": until, "limit": limit}

        def read(tx):
            counts = {key: n for key, n in tx.run(
                "MATCH (x:EntityDay) WHERE x.entity IN $keys AND x.date >= $since "
                "AND x.date <= $until RETURN x.entity, sum(x.documents)", params)}
            if limit <= 0:  # counts only (the report ranks first, then lists a few)
                return counts, []
            # Each entity's first few only: a hub is named by thousands of documents.
            listed = list(tx.run(
                "UNWIND $keys AS key CALL (key) { "
                f"MATCH (d:Document)-[:MENTIONS]->(:Entity {{key: key}}) WHERE {IN_WINDOW} "
                f"RETURN d ORDER BY substring(d.published, 0, 10) {order}, d.id {order} "
                "LIMIT $limit } "
                "RETURN key, d.id, d.title, substring(d.published, 0, 10), d.url, d.source",
                params))
            return counts, listed

        counts, listed = self.store._run("trends: entity documents", read)
        docs: dict[str, list[SourceDocument]] = defaultdict(list)
        for key, doc_id, title, day, url, source in listed:
            docs[key].append(SourceDocument(id=doc_id, title=title, date=day, url=url,
                                            source=source))
        return {key: (n, sorted(docs[key], key=lambda d: (d.date, d.id),
                                reverse=newest_first)[:limit])
                for key, n in counts.items()}

    # -- relations ------------------------------------------------------------
    def relation_counts(self, types: Sequence[str], start: str, split: str, until: str
                        ) -> list[tuple[Edge, int, int]]:
        # The edges with evidence in the recent period (their days), then their evidence
        # over the whole period, along the edge index.
        rows = self._rows(
            "trends: relation counts",
            "MATCH (x:EdgeDay) WHERE x.type IN $types AND x.date >= $split "
            "AND x.date <= $until AND x.edge IS NOT NULL WITH DISTINCT x.edge AS edge "
            f"MATCH (v:Evidence {{edge: edge}}) WHERE {EVIDENCE_IN_WINDOW} "
            "WITH edge, v.doc_id AS doc, min(v.date) AS first "
            "WITH edge, count(*) AS n, "
            "sum(CASE WHEN substring(first, 0, 10) >= $split THEN 1 ELSE 0 END) AS recent "
            "WHERE recent > 0 WITH edge, split(edge, $separator) AS part, n, recent "
            "MATCH (:Entity {key: part[1]})-[r]->(:Entity {key: part[2]}) WHERE r.edge = edge "
            "RETURN part[0], part[1], part[2], part[3], r.first_seen, n, recent",
            types=list(types), since=start, split=split, until=until, separator=EDGE_SEPARATOR)
        # Evidence in the period means the all-time first date is the first up to ``until``.
        return sorted(((Edge(type=t, source=s, target=g, mode=m, first_seen=first[:10]),
                        n - recent, recent) for t, s, g, m, first, n, recent in rows),
                      key=lambda row: _order(row[0]))

    def _existing(self, edges: Iterable[Edge]) -> list[dict]:
        """Parameter rows naming each of these edges once."""
        rows = {edge_id(e.type, e.source, e.target, e.mode): e for e in edges}
        return [{"edge": ident, "source": e.source, "target": e.target, "key": relation_key(e)}
                for ident, e in rows.items()]

    def with_evidence(self, edges: Iterable[Edge], until: str) -> list[Edge]:
        rows = self._existing(edges)
        if not rows:
            return []

        def read(tx):
            relations = [rel for rel in (_Relation(r) for r in tx.run(
                "UNWIND $rows AS row "
                "MATCH (s:Entity {key: row.source})-[r]->(t:Entity {key: row.target}) "
                f"WHERE r.edge = row.edge {_edge_fields(None, until)}", rows=rows, until=until))
                if rel.weight]
            relations.sort(key=lambda rel: rel.order)
            # What graph.edges(None, None, until) gives for them, evidence and all.
            return _complete(tx, relations, None, until, None)

        return self.store._run("trends: edges with evidence", read)

    def edge_documents(self, edges: Iterable[Edge], since: str, until: str, limit: int
                       ) -> dict[str, list[SourceDocument]]:
        """Per edge (``relation_key``) existing at ``until``, its newest ``limit``
        documents with evidence in the window, each with its first sentence there
        (earliest date, then lowest sentence index): newest first (date, then id)."""
        rows = self._existing(edges)
        if not rows:
            return {}
        params = {"rows": rows, "since": since, "until": until, "limit": limit}

        def read(tx):
            existing = [key for (key,) in tx.run(
                "UNWIND $rows AS row "
                "MATCH (:Entity {key: row.source})-[r]->(:Entity {key: row.target}) "
                f"WHERE r.edge = row.edge AND {EXISTS_AT_UNTIL} RETURN row.key", params)]
            # Each edge's own evidence in the window, along the edge index; a hub has
            # thousands of pieces in a few weeks, of which the newest few documents are kept.
            listed = list(tx.run(
                "UNWIND $rows AS row CALL (row) { "
                f"MATCH (v:Evidence {{edge: row.edge}}) WHERE {EVIDENCE_IN_WINDOW} "
                "WITH v ORDER BY v.date, v.sentence_index "
                "WITH v.doc_id AS doc, collect(v)[0] AS first "
                "RETURN doc, first.date AS day, first.sentence AS sentence "
                "ORDER BY substring(day, 0, 10) DESC, doc DESC LIMIT $limit } "
                "OPTIONAL MATCH (d:Document {id: doc}) "
                "RETURN row.key, doc, day, sentence, d.title, d.url, d.source", params))
            return existing, listed

        existing, listed = self.store._run("trends: edge documents", read)
        found: dict[str, list[SourceDocument]] = {key: [] for key in existing}
        for key, doc_id, day, sentence, title, url, source in listed:
            if key in found:
                found[key].append(SourceDocument(
                    id=doc_id, title=title or "", date=day[:10], url=url or "",
                    source=source or "", sentence=sentence))
        return {key: sorted(docs, key=lambda d: (d.date, d.id), reverse=True)[:limit]
                for key, docs in found.items()}

    def _routes(self, what: str, named_only: bool, until: str) -> list[Edge]:
        named = " AND NOT r.mode IN $unnamed" if named_only else ""
        rows = self._rows(
            what,
            f"MATCH (s:Entity)-[r:{relation_type(ROUTE)}]->(t:Entity) "
            f"WHERE {EXISTS_AT_UNTIL}{named} RETURN s.key, t.key, r.mode, r.first_seen",
            until=until, unnamed=sorted(UNNAMED_MODES))
        return sorted((Edge(type=ROUTE, source=s, target=g, mode=m, first_seen=f)
                       for s, g, m, f in rows), key=_order)

    def route_edges(self, until: str) -> list[Edge]:
        return self._routes("trends: routes", False, until)

    def located_in(self, until: str) -> list[Edge]:
        # The weight up to ``until``: the stored one when all the evidence is, else counted.
        rows = self._rows(
            "trends: located in",
            f"MATCH (s:Entity)-[r:{relation_type(LOCATED_IN)}]->(t:Entity) "
            f"WHERE {EXISTS_AT_UNTIL} RETURN s.key, t.key, r.mode, "
            "CASE WHEN r.last_seen <= $until THEN r.weight "
            "ELSE size([d IN r.dates WHERE d <= $until]) END", until=until)
        return sorted((Edge(type=LOCATED_IN, source=s, target=g, mode=m, weight=w)
                       for s, g, m, w in rows), key=_order)

    def route_ends(self, until: str) -> set[str]:
        return {key for (key,) in self._rows(
            "trends: route ends",
            f"MATCH (s:Entity)-[r:{relation_type(ROUTE)}]->(t:Entity) "
            f"WHERE {EXISTS_AT_UNTIL} AND NOT r.mode IN $unnamed "
            "UNWIND [s.key, t.key] AS key RETURN DISTINCT key",
            until=until, unnamed=sorted(UNNAMED_MODES))}

    def mode_change_routes(self, since: str, until: str, countries: dict[str, str]
                           ) -> tuple[list[Edge], set[tuple[str, str]]]:
        """The named-mode routes of the pairs and corridors where a mode first reported
        in the window follows another, and those corridors; each pair or corridor kept
        whole, so ``graph.trends.find_mode_changes`` finds on them what it finds on all.
        Pairs and corridors are found on the server: sending every named route to the
        client cost ~1.4 s at 100,000 documents."""
        named = (f"MATCH (s:Entity)-[r:{relation_type(ROUTE)}]->(t:Entity) "
                 f"WHERE {EXISTS_AT_UNTIL} AND NOT r.mode IN $unnamed ")
        unnamed = sorted(UNNAMED_MODES)
        # A pair can change only if a route of it begins in the window beside another mode.
        pairs = self._rows(
            "trends: pairs that may change mode",
            f"{named} AND r.first_seen >= $since WITH DISTINCT s, t "
            f"MATCH (s)-[o:{relation_type(ROUTE)}]->(t) "
            "WHERE o.first_seen <= $until AND NOT o.mode IN $unnamed "
            "WITH s, t, count(o) AS modes WHERE modes > 1 RETURN s.key, t.key",
            since=since, until=until, unnamed=unnamed)
        firsts: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for origin, destination, mode, first in self._rows(
            "trends: first date of each mode per corridor",
            f"{named} WITH $countries[s.key] AS origin, $countries[t.key] AS destination, r "
            "WHERE origin IS NOT NULL AND destination IS NOT NULL AND origin <> destination "
            "RETURN origin, destination, r.mode, min(r.first_seen)",
            until=until, unnamed=unnamed, countries=countries,
        ):
            firsts[(origin, destination)][mode] = first
        corridors = {corridor for corridor, by_mode in firsts.items()
                     if _gains_a_mode(by_mode.values(), since, until)}
        rows = self._rows(
            "trends: routes of the pairs that may change mode",
            f"UNWIND $pairs AS p MATCH (s:Entity {{key: p[0]}})-[r:{relation_type(ROUTE)}]->"
            f"(t:Entity {{key: p[1]}}) WHERE {EXISTS_AT_UNTIL} AND NOT r.mode IN $unnamed "
            "RETURN s.key, t.key, r.mode, r.first_seen",
            pairs=[list(p) for p in pairs], until=until, unnamed=unnamed)
        if corridors:
            rows += self._rows(
                "trends: routes of the corridors that may change mode",
                f"{named} AND [$countries[s.key], $countries[t.key]] IN $corridors "
                "RETURN s.key, t.key, r.mode, r.first_seen",
                until=until, unnamed=unnamed, countries=countries,
                corridors=[list(c) for c in sorted(corridors)])
        found = {(s, g, m): f for s, g, m, f in rows}
        return [Edge(type=ROUTE, source=s, target=g, mode=m, first_seen=f)
                for (s, g, m), f in sorted(found.items())], corridors

    def pair_edges(self, pairs: Iterable[tuple[str, str, str]], until: str) -> list[Edge]:
        wanted = sorted(set(pairs))
        if not wanted:
            return []
        rows = self._rows(
            "trends: pair edges",
            "UNWIND $pairs AS p MATCH (s:Entity {key: p[1]})-[r]->(t:Entity {key: p[2]}) "
            f"WHERE type(r) = p[0] AND {EXISTS_AT_UNTIL} "
            "RETURN type(r), s.key, t.key, r.mode, r.first_seen",
            pairs=[list(p) for p in wanted], until=until)
        return sorted((Edge(type=t, source=s, target=g, mode=m, first_seen=f)
                       for t, s, g, m, f in rows), key=_order)

    def new_relation_pairs(self, types: Sequence[str], since: str, until: str, limit: int
                           ) -> tuple[int, list[tuple[str, str, str]]]:
        """(how many pairs are new in the window, the first ``limit`` in report order:
        most documents in the window, then newest first date, then the pair)."""
        # A new pair's first evidence is in the window, so the window's evidence finds
        # every candidate, and its documents are all the pair has up to ``until``.
        # The pairs come from the window's edge days; only the new ones' evidence is read.
        rows = self._rows(
            "trends: new relation pairs",
            "MATCH (x:EdgeDay) WHERE x.type IN $types AND x.date >= $since "
            "AND x.date <= $until AND x.edge IS NOT NULL WITH DISTINCT x.edge AS edge "
            "WITH split(edge, $separator)[0..3] AS pair, collect(edge) AS edges "
            "MATCH (:Entity {key: pair[1]})-[r]->(:Entity {key: pair[2]}) "
            f"WHERE type(r) = pair[0] AND {EXISTS_AT_UNTIL} "
            "WITH pair, edges, min(r.first_seen) AS first WHERE first >= $since "
            "CALL (edges) { UNWIND edges AS edge MATCH (v:Evidence {edge: edge}) "
            f"WHERE {EVIDENCE_IN_WINDOW} RETURN count(DISTINCT v.doc_id) AS docs }} "
            "RETURN pair[0], pair[1], pair[2], docs, substring(first, 0, 10)",
            types=list(types), since=since, until=until, separator=EDGE_SEPARATOR)
        rows.sort(key=lambda r: r[:3])
        rows.sort(key=lambda r: r[4], reverse=True)
        rows.sort(key=lambda r: -r[3])
        return len(rows), [tuple(r[:3]) for r in rows[:limit]]

    def window_dates(self, since: str, until: str) -> list[tuple[str, str]]:
        """(id, published) of each relevant document of the window."""
        return [(i, p) for i, p in self._rows(
            "trends: window dates", f"MATCH (d:Document) WHERE {IN_WINDOW} "
            "RETURN d.id, d.published", since=since, until=until)]

    def summaries(self, ids: Iterable[str]) -> list[DocumentSummary]:
        """These documents, in the order of ``ids``; without their entities."""
        rows = self._rows("trends: document summaries",
                          f"UNWIND $ids AS id MATCH (d:Document {{id: id}}) RETURN {DOC_FIELDS}",
                          ids=list(ids))
        return [DocumentSummary(id=i, title=t, url=u, source=s, published=p, relevant=bool(r),
                                language=lang) for i, t, u, s, p, r, lang in rows]

def _order(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.type, edge.source, edge.target, edge.mode)


def _gains_a_mode(firsts: Iterable[str], since: str, until: str) -> bool:
    """Whether some mode's first date is in the window and another mode's is earlier:
    the earliest first date belongs to another mode exactly when a date is later."""
    firsts = list(firsts)
    earliest = min(firsts)
    return any(since <= first <= until and first > earliest for first in firsts)
