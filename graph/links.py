"""Link analysis: how entities are connected, and who matters in a subgraph.

Pure functions over query results (``Edge``/``EntityNode`` lists and the
analysis graph of ``graph.analysis``), plus two thin helpers that ask a
``GraphStore`` through its protocol only, so everything here works on either
backend:

* ``all_shortest_paths``: every shortest path between two entities (up to a
  number of hops), in lexicographic order of their node keys, each hop
  through its strongest relation (``graph.analysis.strongest_relation``)
  with that relation's evidence;
* ``rank_entities``: degree, betweenness and PageRank of every entity of a
  subgraph, and the Louvain community it falls in, ranked by PageRank.

Direction is ignored when walking (a path is about being connected); each
hop's edge keeps its own source and target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from graph.analysis import communities, graph_from_edges, strongest_relation
from graph.model import Edge, GraphStore, Subgraph

MAX_PATHS = 25  # enough to read; a dense graph can have thousands of equally short paths
PAGERANK_ALPHA = 0.85


@dataclass(frozen=True)
class EntityPath:
    """One path: its node keys in walking order and the edge of every hop."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]

    @property
    def hops(self) -> int:
        return len(self.edges)


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


def all_shortest_paths(
    edges: Iterable[Edge], source: str, target: str, max_hops: int = 6,
    limit: int = MAX_PATHS,
) -> list[EntityPath]:
    """Every shortest path (up to ``limit``) between two entities over ``edges``,
    each hop through the strongest relation between its two entities, carrying
    that edge's evidence as given."""
    edges = list(edges)
    by_id = {edge_id(e): e for e in edges}
    G = graph_from_edges(edges)
    paths = []
    for nodes in shortest_node_paths(G, source, target, max_hops, limit):
        hops = tuple(by_id[strongest_relation(G[u][v]["relations"]).id]
                     for u, v in zip(nodes, nodes[1:], strict=False))
        paths.append(EntityPath(nodes=nodes, edges=hops))
    return paths


def paths_between(
    store: GraphStore, source: str, target: str, max_hops: int = 6,
    types: tuple[str, ...] | None = None, limit: int = MAX_PATHS,
) -> list[EntityPath]:
    """``all_shortest_paths`` over the whole graph (all dates) of ``store``,
    through relations of ``types`` (all entity-entity types when None)."""
    if source == target:
        return []
    return all_shortest_paths(store.edges(types), source, target, max_hops, limit)


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

