"""Graph analysis as plain functions over a networkx graph.

The graph these functions expect is the one ``build_graph`` makes: an
undirected ``nx.Graph`` whose nodes are entity keys (attribute ``label``) and
whose node pairs carry every relation between the two entities:

* ``relations``: tuple of ``RelationSummary`` (type, source, target, mode,
  weight), sorted;
* ``dates``: the sorted evidence dates of all those relations, so a window
  test is a binary search.

Direction is ignored for traversal (a path or a neighbourhood is about being
connected, not about the flow a ROUTE describes); the relations themselves
keep their own source and target.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple

import networkx as nx

from graph.model import Edge, EntityNode


class RelationSummary(NamedTuple):
    type: str
    source: str
    target: str
    mode: str
    weight: int

    @property
    def id(self) -> tuple[str, str, str, str]:
        return (self.type, self.source, self.target, self.mode)


def build_graph(
    nodes: Iterable[tuple[str, str]],
    relations: Iterable[tuple[RelationSummary, Iterable[str]]],
) -> nx.Graph:
    """The analysis graph from (key, label) nodes and (relation, evidence dates) pairs."""
    G = nx.Graph()
    G.add_nodes_from((key, {"label": label}) for key, label in nodes)
    pairs: dict[tuple[str, str], tuple[list[RelationSummary], list[str]]] = {}
    for relation, dates in relations:
        source, target = relation.source, relation.target
        pair = (source, target) if source <= target else (target, source)
        found = pairs.get(pair)
        if found is None:
            pairs[pair] = ([relation], list(dates))
        else:
            found[0].append(relation)
            found[1].extend(dates)
    # Ends that are no node get one, in the order they are first met; then the pairs,
    # all at once (networkx's add_edge costs a cache reset per call: 267,000 at 100k).
    G.add_nodes_from((key, {"label": key.partition(":")[0]}) for key in dict.fromkeys(
        key for pair in pairs for key in pair) if key not in G)
    G.add_edges_from((u, v, {"relations": tuple(sorted(found)), "dates": tuple(sorted(dates))})
                     for (u, v), (found, dates) in pairs.items())
    return G


def graph_from_edges(edges: Iterable[Edge], nodes: Iterable[EntityNode] = ()) -> nx.Graph:
    """The analysis graph from query results (``GraphStore.edges()``, a Subgraph's
    edges and nodes), whichever backend gave them. An edge's dates are those of
    the evidence it carries, or its first and last seen when it carries none."""
    return build_graph(
        ((n.key, n.label) for n in nodes),
        ((RelationSummary(e.type, e.source, e.target, e.mode, e.weight),
          [ev.date for ev in e.evidence] or [d for d in (e.first_seen, e.last_seen) if d])
         for e in edges),
    )


def seen_in_window(dates: tuple[str, ...], since: str | None, until: str | None) -> bool:
    """Whether any of the sorted ``dates`` falls in the inclusive window."""
    i = bisect_left(dates, since) if since is not None else 0
    return i < len(dates) and (until is None or dates[i] <= until)


def strongest_relation(relations: Iterable[RelationSummary]) -> RelationSummary:
    """The relation a hop goes through: highest weight, then smallest (type, source,
    target, mode)."""
    return min(relations, key=lambda r: (-r.weight, r.type, r.source, r.target, r.mode))


def shortest_path_nodes(G: nx.Graph, source: str, target: str, max_hops: int) -> list[str]:
    """The lexicographically smallest of the shortest paths, as node keys.

    [] when either end is missing, the ends are equal, or no path has at most
    ``max_hops`` edges. A search from both ends, each step growing the smaller
    frontier, stops where they meet, so a path between two nodes of a large
    graph does not walk all of it.
    """
    if source not in G or target not in G or source == target or max_hops < 1:
        return []
    from_source, from_target = {source: 0}, {target: 0}
    frontiers = {"source": [source], "target": [target]}
    depth = {"source": 0, "target": 0}
    while True:
        if depth["source"] + depth["target"] + 1 > max_hops:
            return []
        side = "source" if len(frontiers["source"]) <= len(frontiers["target"]) else "target"
        seen, other = ((from_source, from_target) if side == "source"
                       else (from_target, from_source))
        grown = []
        for node in frontiers[side]:
            for neighbour in G[node]:
                if neighbour not in seen:
                    seen[neighbour] = depth[side] + 1
                    grown.append(neighbour)
        if not grown:
            return []
        depth[side] += 1
        frontiers[side] = grown
        if any(n in other for n in grown):
            break
    # The layers met: the distance is the sum of the depths. On a shortest path a
    # node at position k has k steps from the source and length - k to the target.
    length = depth["source"] + depth["target"]
    reach = depth["source"]
    on_path: dict[int, set[str]] = {
        reach: {n for n, k in from_source.items()
                if k == reach and from_target.get(n) == length - reach}}
    for k in range(reach, 1, -1):  # back towards the source, layer by layer
        on_path[k - 1] = {u for v in on_path[k] for u in G[v] if from_source.get(u) == k - 1}
    # Walking from the source, always taking the smallest key that is still on
    # some shortest path, gives the lexicographically smallest key sequence.
    path = [source]
    for k in range(1, length + 1):
        if k <= reach:
            step = min(n for n in G[path[-1]] if n in on_path[k])
        else:
            step = min(n for n in G[path[-1]] if from_target.get(n) == length - k)
        path.append(step)
    return path


def shortest_path_edges(
    G: nx.Graph, source: str, target: str, max_hops: int = 6
) -> list[RelationSummary]:
    """One relation per hop of ``shortest_path_nodes``, in hop order."""
    path = shortest_path_nodes(G, source, target, max_hops)
    return [strongest_relation(G[u][v]["relations"]) for u, v in zip(path, path[1:], strict=False)]


def neighbourhood_nodes(
    G: nx.Graph,
    centre: str,
    depth: int = 1,
    labels: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, int]:
    """{node key: hops from ``centre``} for nodes within ``depth`` hops.

    Only edges with evidence in the window are followed, and only nodes whose
    label is in ``labels`` are entered (all labels when None); the centre is
    always included at distance 0. {} when the centre is not in the graph.
    """
    if centre not in G:
        return {}
    allowed = None if labels is None else set(labels)
    windowed = since is not None or until is not None
    distance = {centre: 0}
    frontier = [centre]
    for hop in range(1, depth + 1):
        reached = []
        for node in frontier:
            for other, data in G[node].items():
                if other in distance:
                    continue
                if allowed is not None and G.nodes[other].get("label") not in allowed:
                    continue
                if windowed and not seen_in_window(data["dates"], since, until):
                    continue
                distance[other] = hop
                reached.append(other)
        frontier = reached
    return distance


def degree_ranking(G: nx.Graph, limit: int = 20) -> list[tuple[str, int]]:
    """Entities with the most distinct neighbours, (key, degree), ties by key."""
    ranked = sorted(G.degree(), key=lambda kd: (-kd[1], kd[0]))
    return [(k, d) for k, d in ranked[:limit] if d > 0]


def communities(G: nx.Graph, seed: int = 0) -> list[tuple[str, ...]]:
    """Louvain communities weighted by evidence, largest first, then by smallest key.

    Deterministic for a given graph and ``seed``; members are sorted.
    """
    if G.number_of_edges() == 0:
        return []
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    for u, v, data in sorted(G.edges(data=True), key=lambda e: tuple(sorted(e[:2]))):
        H.add_edge(u, v, weight=sum(r.weight for r in data["relations"]))
    found = nx.community.louvain_communities(H, weight="weight", seed=seed)
    groups = [tuple(sorted(c)) for c in found if len(c) > 1]
    return sorted(groups, key=lambda c: (-len(c), c[0]))
