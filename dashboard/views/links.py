"""Links: who matters around an entity (its neighbourhood ranked by
centrality, with communities), and every shortest path between two entities
with the sentences behind each hop."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import entity_picker, show_evidence
from dashboard.network import entity_name, network_figure, path_hops
from dashboard.queries import dashboard_data_or_stop
from dashboard.safe_text import escape_markdown, one_line
from dashboard.window import current_window, describe_window
from graph.links import keep_types, rank_entities
from graph.model import MAX_PATHS, Edge, EntityPath, GraphStore
from nlp.taxonomy import CO_OCCURS, ENTITY_LABELS, ENTITY_RELATION_TYPES

ENTITY_PARAM = "entity"
FROM_PARAM = "from"
TO_PARAM = "to"
EVIDENCE_PER_LINK = 3
LINKS_SHOWN = 15


@st.cache_data(show_spinner=False, max_entries=64)
def _paths(_store: GraphStore, identity: str, version: int, source: str, target: str,
           max_hops: int, types: tuple[str, ...]) -> list[EntityPath]:
    """Every shortest path between two entities (all dates), each hop with the few newest
    statements it shows, once per data version and question: the store walks its own
    graph and reads evidence for the hops only."""
    return _store.paths(source, target, max_hops=max_hops, types=types,
                        evidence_limit=EVIDENCE_PER_LINK)


def _set_param(name: str):
    def update(key: str | None) -> None:
        if key:
            st.query_params[name] = key
        else:
            st.query_params.pop(name, None)
    return update


def _relation(edge: Edge) -> str:
    return edge.type + (f" ({edge.mode})" if edge.mode else "")


data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())
suggestions = data.overview(since, until, limit=20).top_entities

st.title("Links")
RANKING_TAB, PATHS_TAB = "Who matters around an entity", "All paths between two"
# A link that names only where a path starts (the explorer's) opens on the paths.
opens_on_paths = FROM_PARAM in st.query_params and ENTITY_PARAM not in st.query_params
ranking_tab, paths_tab = st.tabs([RANKING_TAB, PATHS_TAB],
                                 default=PATHS_TAB if opens_on_paths else None)

with ranking_tab:
    centre = entity_picker(
        data, "links", title="Entity", selected=st.query_params.get(ENTITY_PARAM) or None,
        on_pick=_set_param(ENTITY_PARAM), suggestions=suggestions,
    )
    depth_col, labels_col, window_col = st.columns([1, 4, 1])
    depth = depth_col.slider("Hops", 1, 3, 2, key="links-depth")
    labels = labels_col.multiselect(
        "Labels", ENTITY_LABELS, default=list(ENTITY_LABELS), key="links-labels",
        help="The chosen entity is always kept.",
    )
    in_window = window_col.toggle(
        "Date window", value=True, key="links-in-window",
        help=f"On: only links seen {describe_window(since, until)}. Off: all dates.",
    )
    relations = st.multiselect(
        "Relations", ENTITY_RELATION_TYPES, default=list(ENTITY_RELATION_TYPES),
        key="links-relations",
        help=f"Leave out {CO_OCCURS} to rank by stated relations only.",
    )
    if centre is None:
        st.info("Pick an entity to rank the entities around it.", icon=":material/hub:")
    else:
        window = (since, until) if in_window else (None, None)
        subgraph = keep_types(
            data.neighbourhood_with_evidence(
                centre, depth=depth,
                labels=tuple(labels) if len(labels) < len(ENTITY_LABELS) else None,
                since=window[0], until=window[1], limit=300,
            ),
            relations, centre,
        )
        ranks = rank_entities(subgraph)
        if not subgraph.edges:
            st.info("No links around this entity with these filters.",
                    icon=":material/link_off:")
        else:
            st.caption(
                f"{len(subgraph.nodes)} entities and {len(subgraph.edges)} links within "
                f"{depth} hop{'s' if depth != 1 else ''}. PageRank weighs links by their "
                "evidence; betweenness is the share of shortest paths through an entity; "
                "entities of one community are linked more among themselves than outside."
            )
            graph_col, table_col = st.columns([3, 2])
            with graph_col:
                st.plotly_chart(network_figure(subgraph, centre=centre), key="links-network",
                                config={"scrollZoom": True, "displaylogo": False})
            with table_col:
                picked = st.dataframe(
                    pd.DataFrame({
                        "entity": [one_line(r.name) for r in ranks],
                        "label": [r.label for r in ranks],
                        "pagerank": [round(r.pagerank, 4) for r in ranks],
                        "betweenness": [round(r.betweenness, 4) for r in ranks],
                        "degree": [r.degree for r in ranks],
                        "community": [r.community or None for r in ranks],
                        "mentions": [r.mentions for r in ranks],
                    }),
                    hide_index=True, key="links-ranking", on_select="rerun",
                    selection_mode="single-row", height=600,
                )
            rows = picked.selection.rows if picked is not None else []
            chosen = ranks[rows[0]].key if rows else centre
            st.subheader(f"Links of {escape_markdown(entity_name(chosen))}")
            in_view = {n.key for n in subgraph.nodes}
            profile = data.entity_profile(chosen, since=window[0], until=window[1],
                                          neighbour_limit=300, evidence_limit=EVIDENCE_PER_LINK)
            links = [(node, edge) for node, edge in (profile.neighbours if profile else ())
                     if node.key in in_view and edge.type in relations]
            if not links:
                st.caption("No link of this entity in the view.")
            for number, (node, edge) in enumerate(links[:LINKS_SHOWN], start=1):
                st.markdown(f"**{escape_markdown(node.name)}** · `{_relation(edge)}` · "
                            f"weight {edge.weight}")
                show_evidence(edge.evidence, key=f"links-evidence-{number}")
            if len(links) > LINKS_SHOWN:
                st.caption(f"…and {len(links) - LINKS_SHOWN} more links, weakest last.")

with paths_tab:
    st.caption("Every shortest chain of links between two entities (all dates), each hop "
               "with the sentences that state it.")
    from_col, to_col = st.columns(2)
    with from_col:
        source = entity_picker(
            data, "links-from", title="From",
            selected=st.query_params.get(FROM_PARAM) or centre,
            on_pick=_set_param(FROM_PARAM), suggestions=suggestions,
        )
    with to_col:
        target = entity_picker(
            data, "links-to", title="To", selected=st.query_params.get(TO_PARAM) or None,
            on_pick=_set_param(TO_PARAM), suggestions=suggestions,
        )
    hops_col, types_col = st.columns([1, 3])
    max_hops = hops_col.slider("At most this many hops", 1, 8, 6, key="links-max-hops")
    path_relations = types_col.multiselect(
        "Relations walked", ENTITY_RELATION_TYPES, default=list(ENTITY_RELATION_TYPES),
        key="links-path-relations",
    )
    if source is None or target is None:
        st.info("Pick two entities to find the paths between them.", icon=":material/route:")
    elif source == target:
        st.info("Pick two different entities.")
    else:
        paths = _paths(data.store, data.identity, data.version, source, target, max_hops,
                       tuple(sorted(path_relations)))
        names = (escape_markdown(entity_name(source)), escape_markdown(entity_name(target)))
        if not paths:
            st.warning(f"No path within {max_hops} hops between {names[0]} and {names[1]}.")
        else:
            hops = paths[0].hops
            st.success(
                f"{len(paths)}{'+' if len(paths) == MAX_PATHS else ''} shortest path"
                f"{'s' if len(paths) != 1 else ''} of {hops} hop{'s' if hops != 1 else ''} "
                f"from {names[0]} to {names[1]}."
            )
            for number, path in enumerate(paths, start=1):
                title = " → ".join(one_line(entity_name(k)) for k in path.nodes)
                with st.expander(f"{number}. {title}", expanded=number == 1):
                    for step, hop in enumerate(path_hops(source, list(path.edges)), start=1):
                        edge = hop.edge
                        arrow = "—" if edge.type == CO_OCCURS else ("→" if hop.forward else "←")
                        st.markdown(
                            f"**{step}. {escape_markdown(entity_name(hop.start))}** {arrow} "
                            f"`{_relation(edge)}` {arrow} "
                            f"**{escape_markdown(entity_name(hop.end))}** · weight {edge.weight}"
                        )
                        show_evidence(edge.evidence[:EVIDENCE_PER_LINK],
                                      key=f"links-path-{number}-{step}")
