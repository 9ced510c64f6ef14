"""Link analysis: how entities are connected, and who matters in a subgraph.

Pure functions over query results (``Edge``/``EntityNode`` lists and the
analysis graph of ``graph.analysis``), plus thin helpers that ask a
``GraphStore`` through its protocol only, so everything here works on either
backend:

* ``all_shortest_paths``: every shortest path between two entities (up to a
  number of hops), in lexicographic order of their node keys, each hop
  through its strongest relation (``graph.analysis.strongest_relation``)
  with that relation's evidence. ``GraphStore.paths`` gives the same answer
  without reading a store's whole graph, with the pieces below
  (``shortest_path_graph``, ``shortest_typed_hops``, ``with_edges``);
* ``rank_entities``: degree, betweenness and PageRank of every entity of a
  subgraph, and the Louvain community it falls in, ranked by PageRank.

Direction is ignored when walking (a path is about being connected); each
hop's edge keeps its own source and target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from graph.analysis import RelationSummary, communities, graph_from_edges, strongest_relation

# EntityPath and MAX_PATHS belong to the store's protocol now; imported here as before.
from graph.model import MAX_PATHS, Edge, EntityPath, GraphStore, Subgraph

PAGERANK_ALPHA = 0.85


@dataclass(frozen=True)
class EntityRank:
    """How much an entity matters in a subgraph."""

    key: str
    label: str
    name: str
    mentions: int
    degree: int  # distinct neighbours
    betweenness: float  # normalised, unweighted
    pagerank: float  # weighted by evidence
    community: int  # 1 = largest community; 0 = in none (alone)


def edge_id(edge: Edge) -> tuple[str, str, str, str]:
    return edge.type, edge.source, edge.target, edge.mode


def shortest_node_paths(
    G: nx.Graph, source: str, target: str, max_hops: int = 6, limit: int = MAX_PATHS
) -> list[tuple[str, ...]]:
    """Up to ``limit`` shortest paths from ``source`` to ``target`` as node keys,
    in lexicographic order; [] when either end is missing, they are equal, or
    every path needs more than ``max_hops`` edges."""
    if source not in G or target not in G or source == target or max_hops < 1 or limit < 1:
        return []
    to_target = nx.single_source_shortest_path_length(G, target, cutoff=max_hops)
    if source not in to_target:
        return []

    # Depth first along neighbours one step nearer the target, smallest key
    # first: the paths come out already in lexicographic order.
    def walk(path: list[str]) -> Iterator[tuple[str, ...]]:
        here = path[-1]
        if here == target:
            yield tuple(path)
            return
        nearer = to_target[here] - 1
        for other in sorted(n for n in G.neighbors(here) if to_target.get(n) == nearer):
            yield from walk([*path, other])

    found = []
    for path in walk([source]):
        found.append(path)
        if len(found) == limit:
            break
    return found


def hop_relations(
    G: nx.Graph, nodes: tuple[str, ...], types: Iterable[str] | None = None,
) -> tuple[RelationSummary, ...]:
    """The relation each hop along ``nodes`` goes through: the strongest of those the
    analysis graph ``G`` holds between the hop's two entities (of ``types`` and of some
    weight when ``types`` is given)."""
    if types is None:
        return tuple(strongest_relation(G[u][v]["relations"]) for u, v in pairwise(nodes))
    wanted = frozenset(types)
    return tuple(strongest_relation(r for r in G[u][v]["relations"] if _walked(r, wanted))
                 for u, v in pairwise(nodes))


def _walked(relation: RelationSummary, wanted: frozenset[str]) -> bool:
    return relation.type in wanted and relation.weight > 0


def shortest_hops(
    G: nx.Graph, source: str, target: str, max_hops: int = 6, limit: int = MAX_PATHS,
) -> list[tuple[tuple[str, ...], tuple[RelationSummary, ...]]]:
    """``shortest_node_paths`` over an analysis graph, each with its ``hop_relations``."""
    return [(nodes, hop_relations(G, nodes))
            for nodes in shortest_node_paths(G, source, target, max_hops, limit)]


def with_edges(
    found: Iterable[tuple[tuple[str, ...], tuple[RelationSummary, ...]]], edges: Iterable[Edge],
) -> list[EntityPath]:
    """EntityPaths for ``shortest_hops`` results, each hop given by its edge in ``edges``
    (a path with a hop missing there is left out)."""
    by_id = {edge_id(e): e for e in edges}
    return [EntityPath(nodes=nodes, edges=tuple(by_id[r.id] for r in hops))
            for nodes, hops in found if all(r.id in by_id for r in hops)]


def all_shortest_paths(
    edges: Iterable[Edge], source: str, target: str, max_hops: int = 6,
    limit: int = MAX_PATHS,
) -> list[EntityPath]:
    """Every shortest path (up to ``limit``) between two entities over ``edges``,
    each hop through the strongest relation between its two entities, carrying
    that edge's evidence as given."""
    edges = list(edges)
    return with_edges(shortest_hops(graph_from_edges(edges), source, target, max_hops, limit),
                      edges)


def shortest_typed_hops(
    G: nx.Graph, source: str, target: str, max_hops: int = 6,
    types: Iterable[str] | None = None, limit: int = MAX_PATHS,
) -> list[tuple[tuple[str, ...], tuple[RelationSummary, ...]]]:
    """``shortest_hops`` over the relations of ``types`` (of some weight; all when None)
    of the analysis graph ``G``, found by ``shortest_path_graph`` on a view of ``G``
    rather than by a search from the target over all of it: on a graph of 190,000
    pairs, milliseconds instead of ~0.1 s. (The view tests each pair the search looks
    at, which costs less than a copy of ``G`` per set of types.)"""
    if source not in G or target not in G:
        return []
    wanted = None if types is None else frozenset(types)
    walked = G if wanted is None else nx.subgraph_view(
        G, filter_edge=lambda u, v: any(_walked(r, wanted) for r in G[u][v]["relations"]))
    found = shortest_path_graph(lambda frontier: [(n, o) for n in frontier for o in walked[n]],
                                source, target, max_hops)
    return [(nodes, hop_relations(G, nodes, wanted))
            for nodes in shortest_node_paths(found, source, target, max_hops, limit)]


def shortest_path_graph(
    expand: Callable[[list[str]], Iterable[tuple[str, str]]], source: str, target: str,
    max_hops: int,
) -> nx.Graph:
    """A graph (node pairs only) that holds every shortest path between ``source`` and
    ``target`` of the graph ``expand`` walks, and no shorter one; empty when no path has
    at most ``max_hops`` hops. ``expand(frontier)`` gives (node, neighbour) for every
    neighbour of every node of ``frontier``. A breadth-first search from both ends grows
    the smaller frontier each step and stops where the two meet, so a graph held
    elsewhere is read around the two ends only.

    The pairs kept are the steps from one layer of an end to its next. A shortest path
    of length ``a + b``, where the search went ``a`` layers from the source and ``b``
    from the target, takes its first ``a`` steps along the source's layers and its last
    ``b`` along the target's, so all of it is kept."""
    return nx.Graph(list(_shortest_path_pairs(expand, source, target, max_hops)))


def _shortest_path_pairs(
    expand: Callable[[list[str]], Iterable[tuple[str, str]]], source: str, target: str,
    max_hops: int,
) -> set[tuple[str, str]]:
    if source == target or max_hops < 1:
        return set()
    distance: tuple[dict[str, int], dict[str, int]] = ({source: 0}, {target: 0})
    frontier = ([source], [target])
    radius = [0, 0]
    pairs: set[tuple[str, str]] = set()
    while radius[0] + radius[1] < max_hops:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        if not frontier[side]:
            break
        seen, step = distance[side], radius[side] + 1
        grown = []
        for node, other in expand(frontier[side]):
            if other not in seen:
                seen[other] = step
                grown.append(other)
            if seen[other] == step:
                pairs.add((node, other))
        radius[side] = step
        frontier = (grown, frontier[1]) if side == 0 else (frontier[0], grown)
        if any(n in distance[1 - side] for n in grown):
            return pairs
    return set()


def paths_between(
    store: GraphStore, source: str, target: str, max_hops: int = 6,
    types: tuple[str, ...] | None = None, limit: int = MAX_PATHS,
    evidence_limit: int | None = None,
) -> list[EntityPath]:
    """``all_shortest_paths`` over the whole graph (all dates) of ``store``,
    through relations of ``types`` (all entity-entity types when None): what
    ``store.paths`` answers, worked out from every edge read at once (seconds and
    gigabytes on a large store), so the reference the stores are tested against."""
    if source == target:
        return []
    return all_shortest_paths(store.edges(types, evidence_limit=evidence_limit), source,
                              target, max_hops, limit)


def rank_entities(subgraph: Subgraph, seed: int = 0) -> list[EntityRank]:
    """Every node of ``subgraph`` with its degree, betweenness, PageRank and
    community, by PageRank desc, then degree desc, then key."""
    G = graph_from_edges(subgraph.edges, subgraph.nodes)
    if G.number_of_nodes() == 0:
        return []
    weighted = nx.Graph()
    weighted.add_nodes_from(sorted(G.nodes))
    for u, v, data in G.edges(data=True):
        weighted.add_edge(u, v, weight=max(sum(r.weight for r in data["relations"]), 1))
    pagerank = nx.pagerank(weighted, alpha=PAGERANK_ALPHA, weight="weight")
    betweenness = nx.betweenness_centrality(G, normalized=True)
    community_of = {key: number for number, members in enumerate(communities(G, seed=seed), 1)
                    for key in members}
    nodes = {n.key: n for n in subgraph.nodes}
    ranks = []
    for key in G.nodes:
        node = nodes.get(key)
        label, _, name = key.partition(":")
        ranks.append(EntityRank(
            key=key, label=node.label if node else label, name=node.name if node else name,
            mentions=node.mentions if node else 0, degree=G.degree(key),
            betweenness=betweenness[key], pagerank=pagerank[key],
            community=community_of.get(key, 0),
        ))
    return sorted(ranks, key=lambda r: (-r.pagerank, -r.degree, r.key))


def ranked_neighbourhood(
    store: GraphStore, key: str, depth: int = 1, labels: tuple[str, ...] | None = None,
    since: str | None = None, until: str | None = None, limit: int = 200,
    types: tuple[str, ...] | None = None,
) -> tuple[Subgraph, list[EntityRank]]:
    """The neighbourhood of ``key`` (``GraphStore.neighbourhood``), kept to
    relations of ``types`` (nodes no longer linked dropped, the centre kept),
    and its entities ranked by ``rank_entities``."""
    subgraph = store.neighbourhood(key, depth=depth, labels=labels, since=since, until=until,
                                   limit=limit)
    if types is not None:
        subgraph = keep_types(subgraph, types, key)
    return subgraph, rank_entities(subgraph)


def keep_types(subgraph: Subgraph, types: Iterable[str], centre: str | None = None) -> Subgraph:
    """Only the edges of ``types`` and the nodes they still touch (``centre`` stays)."""
    wanted = set(types)
    edges = tuple(e for e in subgraph.edges if e.type in wanted)
    touched = {k for e in edges for k in (e.source, e.target)} | {centre}
    return Subgraph(nodes=tuple(n for n in subgraph.nodes if n.key in touched), edges=edges)

