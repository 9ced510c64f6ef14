"""The export as a networkx graph, shared by the GraphML and GEXF writers."""

from __future__ import annotations

import networkx as nx

from graph.export.collect import (
    ExportGraph,
    document_node_id,
    document_record,
    edge_record,
    mention_edges,
    mention_record,
    node_record,
    xml_safe,
)


def export_networkx(graph: ExportGraph) -> nx.MultiDiGraph:
    """Entities (and documents) as nodes keyed by entity key; one edge per relation keyed by
    its id, so parallel relations between two entities stay apart."""
    G = nx.MultiDiGraph(generator="scamtrace", since=graph.since or "", until=graph.until or "")
    for node in graph.nodes:
        G.add_node(node.key, **node_record(node))
    for edge in graph.edges:
        record = edge_record(edge)
        G.add_edge(edge.source, edge.target, key=record["id"], **record)
    for document in graph.documents:
        G.add_node(document_node_id(document.id), **document_record(document))
    for document_id, key in mention_edges(graph):
        record = mention_record(document_id, key)
        G.add_edge(document_id, key, key=record["id"], **record)
    return G


def xml_safe_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose ids and text attributes hold only characters XML allows."""

    def clean(data: dict) -> dict:
        return {k: xml_safe(v) if isinstance(v, str) else v for k, v in data.items()}

    H = nx.MultiDiGraph(**clean(G.graph))
    H.add_nodes_from((xml_safe(n), clean(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((xml_safe(u), xml_safe(v), xml_safe(k), clean(d))
                     for u, v, k, d in G.edges(keys=True, data=True))
    return H
