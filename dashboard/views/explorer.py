"""Graph explorer: an entity's neighbourhood as an interactive network.

Paths between two entities are on the Links page (one path finder, not two);
the explorer links there with its centre entity as the start."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import entity_picker
from dashboard.network import entity_name, keep_relations, network_figure
from dashboard.queries import dashboard_data_or_stop
from dashboard.safe_text import one_line
from dashboard.window import current_window, describe_window
from graph.model import NEIGHBOURHOOD_EDGES
from nlp.taxonomy import CO_OCCURS, ENTITY_LABELS, ENTITY_RELATION_TYPES

ENTITY_PARAM = "entity"
LINKS_PAGE = "views/links.py"
LINKS_FROM_PARAM = "from"  # the Links page's path finder starts from this entity

data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())
suggestions = data.overview(since, until, limit=20).top_entities


def _set_param(name: str):
    def update(key: str | None) -> None:
        if key:
            st.query_params[name] = key
        else:
            st.query_params.pop(name, None)
    return update


st.title("Graph explorer")

centre = entity_picker(
    data, "explorer", title="Centre entity",
    selected=st.query_params.get(ENTITY_PARAM) or None,
    on_pick=_set_param(ENTITY_PARAM), suggestions=suggestions,
)
depth_col, labels_col, limit_col, window_col = st.columns([1, 3, 1, 1])
depth = depth_col.slider("Hops", 1, 3, 1, key="explorer-depth")
labels = labels_col.multiselect(
    "Labels shown", ENTITY_LABELS, default=list(ENTITY_LABELS), key="explorer-labels",
    help="The centre entity is always shown.",
)
limit = limit_col.number_input(
    "Max entities", min_value=10, max_value=500, value=150, step=10, key="explorer-limit"
)
in_window = window_col.toggle(
    "Date window", value=True, key="explorer-in-window",
    help=f"On: only links seen {describe_window(since, until)}. Off: all dates.",
)
relations = st.multiselect(
    "Relations shown", ENTITY_RELATION_TYPES, default=list(ENTITY_RELATION_TYPES),
    key="explorer-relations",
    help=f"{CO_OCCURS} (named in one sentence) is the most common; leave it out to "
    "see only stated relations.",
)
if centre is None:
    st.info("Pick an entity to draw its neighbourhood.", icon=":material/hub:")
else:
    subgraph = data.neighbourhood_with_evidence(
        centre, depth=depth,
        labels=tuple(labels) if len(labels) < len(ENTITY_LABELS) else None,
        since=since if in_window else None, until=until if in_window else None,
        limit=int(limit),
    )
    capped = len(subgraph.edges) >= NEIGHBOURHOOD_EDGES
    subgraph = keep_relations(subgraph, set(relations), centre)
    if len(subgraph.edges) == 0:
        st.info(
            "No links around this entity with these filters. Try more hops, more labels "
            "or switch the date window off.",
            icon=":material/link_off:",
        )
    else:
        st.caption(
            f"{len(subgraph.nodes)} entities, {len(subgraph.edges)} links. "
            "Hover a node for its counts and a ◆ on an edge for its relation and first "
            "evidence sentence; drag to pan, scroll to zoom."
            + (f" Only the {NEIGHBOURHOOD_EDGES:,} strongest links among these entities are "
               "kept: fewer entities or hops show all of theirs." if capped else "")
        )
        st.plotly_chart(
            network_figure(subgraph, centre=centre), key="explorer-network",
            config={"scrollZoom": True, "displaylogo": False},
        )
        with st.expander("Links as a table"):
            st.dataframe(
                pd.DataFrame({
                    "source": [one_line(entity_name(e.source)) for e in subgraph.edges],
                    "relation": [
                        e.type + (f" ({e.mode})" if e.mode else "") for e in subgraph.edges
                    ],
                    "target": [one_line(entity_name(e.target)) for e in subgraph.edges],
                    "weight": [e.weight for e in subgraph.edges],
                    "first seen": [e.first_seen for e in subgraph.edges],
                    "last seen": [e.last_seen for e in subgraph.edges],
                }),
                hide_index=True, key="explorer-links",
            )

st.page_link(
    LINKS_PAGE, label="Find the paths from this entity to another on the Links page",
    icon=":material/route:", query_params={LINKS_FROM_PARAM: centre} if centre else None,
)
