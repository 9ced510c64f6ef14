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
entities, the few documents listed per entity or edge, the new pairs listed)
share the caveat of ``graph.neo4j_store`` about strings beyond U+FFFF.

At 100,000 documents what cost most was walking hubs: expanding the
relationships between two entities to find one edge (a relationship is found
along its type's ``edge`` index instead, by its identity or, for every mode of a
pair, by their common prefix), reading a hub edge's whole evidence for a window
(the (edge, date) index), expanding all of a hub's mentions for its newest few
documents (its days tell where those lie), and the client decoding thousands of
records (large answers come as one list).
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
from nlp.taxonomy import ENTITY_RELATION_TYPES, LOCATED_IN, ROUTE

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jGraphStore

# A relevant document published in [$since, $until].
IN_WINDOW = ("d.relevant AND d.published IS NOT NULL "
             "AND d.published >= $since AND d.published <= $until")
# Evidence in [$since, $until]; an edge existing at $until.
EVIDENCE_IN_WINDOW = "v.date >= $since AND v.date <= $until"
EXISTS_AT_UNTIL = "r.first_seen <= $until"
# Past every string that begins with a day (``published`` is an ISO date or time).
DAY_END = "\uffff"
# Documents read per mention saved: looking a document up by date and its mentions for
# one entity costs about what reading a few of an entity's mentions costs (a relevant
# document names ~19 entities at 100,000 documents).
MENTIONS_PER_DOCUMENT = 8
ALL = 2**62  # a server-side cut that keeps everything (a negative Python slice end)
# A window's entity days along the (date, entity) index: left to itself the planner
# scanned all ~300,000 at 100,000 documents.
ALONG_DAYS = "USING INDEX x:EntityDay(date, entity) WHERE x.entity IS NOT NULL AND"


class Neo4jTrendFacts:
    """``graph.trends.ProtocolTrendFacts``' questions answered in Cypher (see the
    module docstring); tests/graph/test_neo4j_trend_facts.py holds the two to
    the same report."""

    def __init__(self, store: Neo4jGraphStore) -> None:
        self.store = store
        # Per window, the documents of each entity first seen in it, read with them:
        # the report asks for those counts next (16,000 entities at 100,000 documents).
        self._first_counts: dict[tuple[str, str], dict[str, int]] = {}

    def _rows(self, what: str, cypher: str, **params) -> list[tuple]:
        """The rows of one read query, as tuples."""
        return self.store._run(what, lambda tx: [tuple(r) for r in tx.run(cypher, params)])

    def _listed(self, what: str, cypher: str, **params) -> list[tuple]:
        """The rows of one read query that returns them gathered in one list
        (``RETURN collect([...])``; see ``_collected``)."""
        return self.store._run(what, _collected, cypher, params)

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
        return day_counts_of(self._listed(
            "trends: mentions per label and relations per type and mode, per day",
            "MATCH (x:TrendDay) WHERE x.kind IN ['label', 'relation'] "
            "AND x.day >= $since AND x.day <= $until RETURN collect([x.kind, x.key, x.day, x.n])",
            since=since, until=until))

    def entity_counts(self, start: str, split: str, until: str) -> dict[str, tuple[int, int]]:
        # The entities of the recent period, then their baseline, from their days.
        return {key: (baseline, recent) for key, recent, baseline in self._listed(
            "trends: entity counts",
            f"MATCH (x:EntityDay) {ALONG_DAYS} x.date >= $split AND x.date <= $until "
            "WITH x.entity AS key, sum(x.documents) AS recent "
            "OPTIONAL MATCH (y:EntityDay) WHERE y.entity = key "
            "AND y.date >= $start AND y.date < $split "
            "WITH key, recent, sum(y.documents) AS baseline "
            "RETURN collect([key, recent, baseline])", start=start, split=split, until=until)}

    def first_seen(self, keys: Iterable[str]) -> dict[str, str]:
        return dict(self._rows(
            "trends: first seen",
            "MATCH (e:Entity) WHERE e.key IN $keys AND e.first_seen <> '' "
            "RETURN e.key, substring(e.first_seen, 0, 10)", keys=sorted(set(keys))))

    def first_seen_in(self, since: str, until: str) -> dict[str, str]:
        # Along the first_seen index; only entities a relevant document of the window names.
        rows = self._listed(
            "trends: first seen in the window",
            "MATCH (e:Entity) WHERE e.first_seen >= $since "
            "AND substring(e.first_seen, 0, 10) <= $until "
            "CALL (e) { MATCH (x:EntityDay) WHERE x.entity = e.key "
            "AND x.date >= $since AND x.date <= $until "
            "RETURN count(x) AS days, sum(x.documents) AS documents } "
            "WITH e, documents WHERE days > 0 "
            "RETURN collect([e.key, substring(e.first_seen, 0, 10), documents])",
            since=since, until=until)
        self._first_counts[(since, until)] = {key: n for key, _, n in rows}
        return {key: first for key, first, _ in rows}

    def top_entities(self, since: str, until: str, limit: int) -> list[str]:
        rows = self._rows(
            "trends: top entities",
            f"MATCH (x:EntityDay) {ALONG_DAYS} x.date >= $since AND x.date <= $until "
            "WITH x.entity AS key, sum(x.documents) AS n ORDER BY n DESC, key LIMIT $limit "
            "RETURN key, n", since=since, until=until, limit=limit)
        return [key for key, _ in sorted(rows, key=lambda r: (-r[1], r[0]))]

    def entity_days(self, keys: Iterable[str], since: str, until: str) -> dict[str, Counter]:
        found: dict[str, Counter] = defaultdict(Counter)
        # Each entity's days and counts as two lists: ~90 rows an entity otherwise.
        for key, days, counts in self._listed(
            "trends: entity days",
            "MATCH (x:EntityDay) WHERE x.entity IN $keys AND x.date >= $since "
            "AND x.date <= $until WITH x.entity AS key, "
            "collect(substring(x.date, 0, 10)) AS days, collect(x.documents) AS counts "
            "RETURN collect([key, days, counts])",
            keys=sorted(set(keys)), since=since, until=until):
            for day, n in zip(days, counts, strict=True):
                found[key][day] += n
        return dict(found)

    def entity_documents(self, keys: Iterable[str], since: str, until: str, newest_first: bool,
                         limit: int) -> dict[str, tuple[int, list[SourceDocument]]]:
        wanted = sorted(set(keys))
        known = self._first_counts.get((since, until), {})
        if limit <= 0 and known.keys() >= set(wanted):  # counted with their first dates
            return {key: (known[key], []) for key in wanted}
        params = {"keys": wanted, "since": since, "until": until, "limit": limit}

        def read(tx):
            counts = dict(_collected(
                tx, "MATCH (x:EntityDay) WHERE x.entity IN $keys AND x.date >= $since "
                "AND x.date <= $until WITH x.entity AS key, sum(x.documents) AS n "
                "RETURN collect([key, n])", params))
            if limit <= 0:  # counts only (the report ranks first, then lists a few)
                return counts, []
            listed = _collected(tx, _first_documents(newest_first), {**params, "cut": True})
            # Where the days' counts and the documents' dates disagree, the cut may have
            # left documents out: those entities are listed from the whole window.
            found = Counter(row[0] for row in listed)
            short = [key for key, n in counts.items() if found[key] < min(limit, n)]
            if short:
                listed = [row for row in listed if row[0] not in set(short)] + _collected(
                    tx, _first_documents(newest_first), {**params, "keys": short, "cut": False})
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
        # over the whole period, along the edge index; the relationship, for its first
        # date, along its type's edge index (expanding between two hubs cost ~3 million
        # reads at 100,000 documents).
        def read(tx):
            rows = []
            for type_ in _known_types(types):
                rows += _collected(
                    tx,
                    "MATCH (x:EdgeDay) WHERE x.type = $type AND x.date >= $split "
                    "AND x.date <= $until AND x.edge IS NOT NULL WITH DISTINCT x.edge AS edge "
                    f"{_edge_evidence('edge')} "
                    "WITH edge, v.doc_id AS doc, min(v.date) AS first "
                    "WITH edge, count(*) AS n, "
                    "sum(CASE WHEN substring(first, 0, 10) >= $split THEN 1 ELSE 0 END) AS recent "
                    f"WHERE recent > 0 MATCH ()-[r:{type_}]->() WHERE r.edge = edge "
                    "RETURN collect([edge, r.first_seen, n, recent])",
                    {"type": type_, "since": start, "split": split, "until": until})
            return rows

        # Evidence in the period means the all-time first date is the first up to ``until``.
        return sorted(((Edge(*edge.split(EDGE_SEPARATOR), first_seen=first[:10]), n - recent,
                        recent) for edge, first, n, recent in self.store._run(
                            "trends: relation counts", read)),
                      key=lambda row: _order(row[0]))

    def _existing(self, edges: Iterable[Edge]) -> dict[str, list[dict]]:
        """Parameter rows naming each of these edges once, per relation type: each type's
        relationships are then found along its edge index (expanding between two hubs
        read ~150,000 relationships for the ~450 edges of the mode changes at 100,000)."""
        rows: dict[str, dict[str, dict]] = defaultdict(dict)
        for e in edges:
            rows[e.type][edge_id(e.type, e.source, e.target, e.mode)] = {
                "edge": edge_id(e.type, e.source, e.target, e.mode), "key": relation_key(e)}
        return {type_: list(rows[type_].values()) for type_ in _known_types(rows)}

    def with_evidence(self, edges: Iterable[Edge], until: str) -> list[Edge]:
        rows = self._existing(edges)
        if not rows:
            return []

        def read(tx):
            relations = [rel for type_, typed in rows.items() for rel in (
                _Relation(r) for r in tx.run(
                    f"UNWIND $rows AS row MATCH (s)-[r:{type_}]->(t) "
                    f"WHERE r.edge = row.edge {_edge_fields(None, until)}", rows=typed,
                    until=until))
                if rel.weight]
            relations.sort(key=lambda rel: rel.order)
            # What graph.edges(None, None, until) gives for them, evidence and all.
            return _complete(tx, relations, None, until, None)

        return self.store._run("trends: edges with evidence", read)

    def edge_documents(self, edges: Iterable[Edge], since: str, until: str, limit: int,
                       newest_first: bool = True) -> dict[str, list[SourceDocument]]:
        """Per edge (``relation_key``) existing at ``until``, its newest (or oldest)
        ``limit`` documents with evidence in the window, each with its first sentence
        there (earliest date, then lowest sentence index), in that order (date, then id)."""
        order = "DESC" if newest_first else "ASC"  # one of two fixed words
        rows = self._existing(edges)
        if not rows:
            return {}
        params = {"rows": [row for typed in rows.values() for row in typed], "since": since,
                  "until": until, "limit": limit}

        def read(tx):
            existing = [key for type_, typed in rows.items() for (key,) in tx.run(
                f"UNWIND $rows AS row MATCH ()-[r:{type_}]->() "
                f"WHERE r.edge = row.edge AND {EXISTS_AT_UNTIL} RETURN row.key",
                rows=typed, until=until)]
            # Each edge's own evidence in the window, along the edge index; a hub has
            # thousands of pieces in a few weeks, of which the newest few documents are kept.
            listed = list(tx.run(
                "UNWIND $rows AS row CALL (row) { "
                f"{_edge_evidence('row.edge')} "
                "WITH v ORDER BY v.date, v.sentence_index "
                "WITH v.doc_id AS doc, collect(v)[0] AS first "
                "RETURN doc, first.date AS day, first.sentence AS sentence "
                f"ORDER BY substring(day, 0, 10) {order}, doc {order} LIMIT $limit }} "
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
        return {key: sorted(docs, key=lambda d: (d.date, d.id), reverse=newest_first)[:limit]
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
        # Distinct end nodes first, their keys after: ~400 ends of ~52,000 routes at 100,000.
        # No labels: the planner then scans the ROUTE relationships, not every entity.
        return {key for (key,) in self._listed(
            "trends: route ends",
            f"MATCH (s)-[r:{relation_type(ROUTE)}]->(t) "
            f"WHERE {EXISTS_AT_UNTIL} AND NOT r.mode IN $unnamed "
            "UNWIND [s, t] AS e WITH DISTINCT e RETURN collect([e.key])",
            until=until, unnamed=sorted(UNNAMED_MODES))}

    def mode_change_routes(self, since: str, until: str, countries: dict[str, str]
                           ) -> tuple[list[Edge], set[tuple[str, str]]]:
        """The named-mode routes of the pairs and corridors where a mode first reported
        in the window follows another, and those corridors; each pair or corridor kept
        whole, so ``graph.trends._found_mode_changes`` finds on them what it finds on all.
        Found on the server in one pass over the routes, grouped by pair (sending every
        named route to the client cost ~1.4 s at 100,000 documents, three passes ~1.3 s):
        the pairs with a route begun in the window beside another mode, and the pairs
        between two countries, whose modes' first dates tell which corridors change.
        (No labels, as in ``route_ends``.)"""
        [(corridors, pairs)] = self._rows(
            "trends: routes that may change mode",
            f"MATCH (s)-[r:{relation_type(ROUTE)}]->(t) "
            f"WHERE {EXISTS_AT_UNTIL} AND NOT r.mode IN $unnamed "
            "WITH s, t, collect([r.mode, r.first_seen]) AS routes, max(r.first_seen) AS newest "
            "WITH s.key AS source, t.key AS target, routes, newest "
            "WITH source, target, routes, newest, $countries[source] AS origin, "
            "$countries[target] AS destination "
            "WITH collect(CASE WHEN newest >= $since AND size(routes) > 1 "
            "THEN [source, target, routes] END) AS fresh, "
            "collect(CASE WHEN origin <> destination "
            "THEN [origin, destination, source, target, routes] END) AS abroad "
            "CALL (abroad) { UNWIND abroad AS p UNWIND p[4] AS route "
            "WITH [p[0], p[1]] AS corridor, route[0] AS mode, min(route[1]) AS first "
            # Some mode's first date in the window, later than another mode's.
            "WITH corridor, collect(first) AS firsts, min(first) AS earliest "
            "WHERE any(f IN firsts WHERE f >= $since AND f <= $until AND f > earliest) "
            "RETURN collect(corridor) AS corridors } "
            "RETURN corridors, "
            "fresh + [p IN abroad WHERE [p[0], p[1]] IN corridors | [p[2], p[3], p[4]]]",
            since=since, until=until, unnamed=sorted(UNNAMED_MODES), countries=countries)
        # A pair both fresh and in a changing corridor comes twice.
        found = {(s, g, m): f for s, g, routes in pairs for m, f in routes}
        return [Edge(type=ROUTE, source=s, target=g, mode=m, first_seen=f)
                for (s, g, m), f in sorted(found.items())], {tuple(c) for c in corridors}

    def pair_edges(self, pairs: Iterable[tuple[str, str, str]], until: str) -> list[Edge]:
        wanted = sorted(set(pairs))
        if not wanted:
            return []
        by_type: dict[str, list[list[str]]] = defaultdict(list)
        for pair in wanted:
            by_type[pair[0]].append(list(pair))

        # Each pair's edges (every mode) along its type's edge index, by their identities'
        # common prefix.
        def read(tx):
            return [row for type_ in _known_types(by_type) for row in _collected(
                tx, f"UNWIND $pairs AS p MATCH ()-[r:{type_}]->() WHERE r.edge STARTS WITH "
                "p[0] + $separator + p[1] + $separator + p[2] + $separator "
                f"AND {EXISTS_AT_UNTIL} RETURN collect([r.edge, r.first_seen])",
                {"pairs": by_type[type_], "until": until, "separator": EDGE_SEPARATOR})]

        return sorted((Edge(*edge.split(EDGE_SEPARATOR), first_seen=first)
                       for edge, first in self.store._run("trends: pair edges", read)),
                      key=_order)

    def new_relation_pairs(self, types: Sequence[str], since: str, until: str, limit: int
                           ) -> tuple[int, list[tuple[str, str, str, int]]]:
        """(how many pairs are new in the window, the first ``limit`` in report order:
        most documents in the window, then newest first date, then the pair; each
        (type, source, target, documents in the window))."""
        # A new pair's first evidence is in the window, so the window's evidence finds
        # every candidate, and its documents are all the pair has up to ``until``.
        # The pairs come from the window's edge days; each pair's edges (every mode) from
        # its type's edge index, by the identities' common prefix (expanding between two
        # hubs cost ~9 million reads at 100,000 documents); only new ones' evidence is read.
        # Each type's first ``limit`` come back with its count (at 100,000 documents, 16,000
        # new pairs of which 200 are listed), in the order applied again here.
        def read(tx):
            total, rows = 0, []
            for type_ in _known_types(types):
                found, first = tx.run(
                    "MATCH (x:EdgeDay) WHERE x.type = $type AND x.date >= $since "
                    "AND x.date <= $until AND x.edge IS NOT NULL WITH DISTINCT x.edge AS edge "
                    "WITH split(edge, $separator) AS part, edge "
                    "WITH part[1] AS source, part[2] AS target, collect(edge) AS edges "
                    "CALL (source, target) { "
                    f"MATCH ()-[r:{type_}]->() WHERE r.edge STARTS WITH "
                    "$type + $separator + source + $separator + target + $separator "
                    f"AND {EXISTS_AT_UNTIL} RETURN min(r.first_seen) AS first }} "
                    "WITH source, target, edges, first WHERE first >= $since "
                    f"CALL (edges) {{ UNWIND edges AS edge {_edge_evidence('edge')} "
                    "RETURN count(DISTINCT v.doc_id) AS docs } "
                    "WITH source, target, docs, substring(first, 0, 10) AS first "
                    "ORDER BY docs DESC, first DESC, source, target "
                    "WITH collect([source, target, docs, first]) AS rows "
                    "RETURN size(rows), rows[..$limit]",
                    type=type_, since=since, until=until, separator=EDGE_SEPARATOR,
                    limit=limit if limit >= 0 else ALL).single()
                total += found
                rows += [(type_, *row) for row in first]
            return total, rows

        total, rows = self.store._run("trends: new relation pairs", read)
        rows.sort(key=lambda r: r[:3])
        rows.sort(key=lambda r: r[4], reverse=True)
        rows.sort(key=lambda r: -r[3])
        return total, [tuple(r[:4]) for r in rows[:limit]]

    def window_dates(self, since: str, until: str) -> list[tuple[str, str]]:
        """(id, published) of each relevant document of the window."""
        return [(i, p) for i, p in self._listed(
            "trends: window dates", f"MATCH (d:Document) WHERE {IN_WINDOW} "
            "RETURN collect([d.id, d.published])", since=since, until=until)]

    def summaries(self, ids: Iterable[str]) -> list[DocumentSummary]:
        """These documents, in the order of ``ids``; without their entities."""
        rows = self._listed("trends: document summaries",
                            f"UNWIND $ids AS id MATCH (d:Document {{id: id}}) "
                            f"RETURN collect([{DOC_FIELDS}])", ids=list(ids))
        return [DocumentSummary(id=i, title=t, url=u, source=s, published=p, relevant=bool(r),
                                language=lang) for i, t, u, s, p, r, lang in rows]


def _first_documents(newest_first: bool) -> str:
    """Per entity of $keys, its first $limit relevant documents of the window (newest or
    oldest first) without reading all a hub's mentions (~850,000 for the bursting
    entities at 100,000 documents). Its days (``EntityDay``) tell from which day on its
    first $limit lie (when $cut); the documents of those days are found from whichever
    side reads less: its mentions, or the documents published then (``TrendDay``
    counts them) that mention it."""
    order = "DESC" if newest_first else "ASC"  # one of two fixed words
    # The part of the window kept: from the edge day on, or up to its end.
    part = ("CASE WHEN edge IS NULL THEN $since ELSE edge END AS low, $until AS high"
            if newest_first else
            f"$since AS low, CASE WHEN edge IS NULL THEN $until ELSE edge + '{DAY_END}' END "
            "AS high")

    def kept(low: str) -> str:
        return f"{IN_WINDOW} AND d.published >= {low} AND d.published <= high"

    return (
        "UNWIND $keys AS key MATCH (e:Entity {key: key}) "
        "CALL (key) { MATCH (x:EntityDay) WHERE x.entity = key AND x.date >= $since "
        f"AND x.date <= $until WITH x ORDER BY x.date {order} "
        "WITH collect([x.date, x.documents]) AS days "
        # [documents counted, day reached] once $limit are counted
        "RETURN reduce(at = [0, null], day IN days | CASE WHEN at[0] >= $limit THEN at "
        "ELSE [at[0] + day[1], substring(day[0], 0, 10)] END) AS reached } "
        "WITH key, e, CASE WHEN $cut AND reached[0] >= $limit THEN reached[1] END AS edge "
        f"WITH key, e, {part} "
        "CALL (low, high) { MATCH (y:TrendDay) WHERE y.kind = 'documents' AND y.key = '' "
        "AND y.day >= substring(low, 0, 10) AND y.day <= substring(high, 0, 10) "
        "RETURN sum(y.n) AS published } "
        "WITH key, e, low, high, published, COUNT { (e)<-[:MENTIONS]-() } AS mentions "
        "CALL (e, low, high, published, mentions) { "
        "CALL (e, low, high, published, mentions) { "
        f"WITH * WHERE mentions <= {MENTIONS_PER_DOCUMENT} * published "
        f"MATCH (d:Document)-[:MENTIONS]->(e) WHERE {kept('low')} RETURN d "
        "UNION ALL "
        # (the test as a bound: the planner seeks the dates before a plain filter)
        f"WITH e, CASE WHEN mentions > {MENTIONS_PER_DOCUMENT} * published THEN low END "
        "AS dated, high "
        f"MATCH (d:Document) WHERE {kept('dated')} AND EXISTS {{ (d)-[:MENTIONS]->(e) }} "
        "RETURN d } "
        f"RETURN d ORDER BY substring(d.published, 0, 10) {order}, d.id {order} "
        "LIMIT $limit } "
        "RETURN collect([key, d.id, d.title, substring(d.published, 0, 10), d.url, d.source])")


def _edge_evidence(edge: str) -> str:
    """A MATCH of the evidence ``v`` of edge ``edge`` (a fixed expression) in [$since,
    $until], along the (edge, date) index: the planner took the edge index and read a
    hub's whole history (~200,000 pieces for the relation counts at 100,000 documents)."""
    return (f"MATCH (v:Evidence) USING INDEX v:Evidence(edge, date) WHERE v.edge = {edge} "
            f"AND {EVIDENCE_IN_WINDOW}")


def _known_types(types: Iterable[str]) -> list[str]:
    """The entity-entity relation types of ``types``, each once: only they have
    relationships, and their names may be written into Cypher."""
    return [relation_type(t) for t in dict.fromkeys(types) if t in ENTITY_RELATION_TYPES]


def _order(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.type, edge.source, edge.target, edge.mode)


def _collected(tx, cypher: str, params: dict) -> list[tuple]:
    """The rows of a query ending ``RETURN collect([...])``: the driver decodes one list
    of thousands of rows several times faster than as many records (16,000 rows of two
    fields: ~65 ms of client CPU against ~280)."""
    record = tx.run(cypher, params).single()
    return [tuple(row) for row in record[0]] if record else []
