"""Entities: search, then one entity's profile (linkable as ?entity=LABEL:name)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import mentions_figure
from dashboard.components import entity_picker, show_documents_table, show_evidence
from dashboard.queries import dashboard_data_or_stop
from dashboard.safe_text import escape_markdown, one_line
from dashboard.window import current_window, describe_window
from nlp.taxonomy import CO_OCCURS

ENTITY_PARAM = "entity"
EVIDENCE_LINKS_SHOWN = 15

data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())


def _open(key: str | None) -> None:
    if key:
        st.query_params[ENTITY_PARAM] = key
    else:
        st.query_params.pop(ENTITY_PARAM, None)


st.title("Entities")
selected = st.query_params.get(ENTITY_PARAM) or None
key = entity_picker(
    data, "entities", title="Entity", selected=selected, on_pick=_open,
    suggestions=data.overview(since, until, limit=20).top_entities,
)
if key is None:
    if selected:
        st.warning(f"No entity {escape_markdown(selected)} in the graph.")
    else:
        st.info("Search for an entity and pick it to see its profile.", icon=":material/search:")
    st.stop()

in_window = st.toggle(
    f"Only {describe_window(since, until)}", value=True, key="entities-in-window",
    help="Off: the whole history of this entity.",
)
profile = data.entity_profile(
    key, since=since if in_window else None, until=until if in_window else None,
    neighbour_limit=50, evidence_limit=5,
)
if profile is None:
    st.warning(f"No entity {escape_markdown(key)} in the graph.")
    st.stop()

entity = profile.entity
st.header(escape_markdown(entity.name), divider="gray")
st.markdown(
    f":material/label: **{entity.label}**"
    + (f" · also written {escape_markdown(', '.join(entity.aliases))}" if entity.aliases else "")
)
mentions_col, documents_col, first_col, last_col = st.columns(4)
mentions_col.metric("Mentions", entity.mentions)
documents_col.metric("Documents", entity.documents)
first_col.metric("First seen", entity.first_seen or "–")
last_col.metric("Last seen", entity.last_seen or "–")

explore_col, documents_link_col, _ = st.columns([1, 1, 3])
if explore_col.button("Explore its graph", icon=":material/hub:", key="entities-explore"):
    st.switch_page("views/explorer.py", query_params={ENTITY_PARAM: key})
if documents_link_col.button("Its documents", icon=":material/article:", key="entities-docs"):
    st.switch_page("views/documents.py", query_params={ENTITY_PARAM: key})

st.subheader("Mentions over time")
if profile.mentions_by_month:
    st.plotly_chart(
        mentions_figure(profile.mentions_by_month, entity.label), key="entities-mentions"
    )
else:
    st.caption("No mention in this window; switch the toggle off to see all dates.")

st.subheader("Linked entities")
if profile.neighbours:
    links = pd.DataFrame({
        "name": [one_line(node.name) for node, _ in profile.neighbours],
        "label": [node.label for node, _ in profile.neighbours],
        "relation": [
            edge.type + (f" ({edge.mode})" if edge.mode else "")
            + ("" if edge.type == CO_OCCURS else (" →" if edge.source == key else " ←"))
            for _, edge in profile.neighbours
        ],
        "weight": [edge.weight for _, edge in profile.neighbours],
        "last seen": [edge.last_seen for _, edge in profile.neighbours],
    })
    st.caption("Select a row to open that entity's profile.")
    selection = st.dataframe(
        links, hide_index=True, on_select="rerun", selection_mode="single-row",
        key=f"entities-links-{key}",
    )
    rows = selection.selection.rows if selection else []
    if rows:
        _open(profile.neighbours[rows[0]][0].key)
        st.rerun()

    st.subheader("Evidence")
    st.caption(
        "The sentences behind each link, with their sources: stated relations first, "
        "then entities merely named in the same sentence."
    )
    # Stated relations tell a liaison more than co-occurrence; keep the
    # store's weight order within each group.
    ranked = sorted(profile.neighbours, key=lambda pair: pair[1].type == CO_OCCURS)
    for rank, (node, edge) in enumerate(ranked[:EVIDENCE_LINKS_SHOWN]):
        arrow = "—" if edge.type == CO_OCCURS else ("→" if edge.source == key else "←")
        title = (
            f"{arrow} {escape_markdown(node.name)} ({node.label}) · {edge.type}"
            f" · weight {edge.weight}"
        )
        with st.expander(title, expanded=rank < 3):
            show_evidence(edge.evidence, key=f"ev-{edge.type}-{edge.source}-{edge.target}")
    if len(profile.neighbours) > EVIDENCE_LINKS_SHOWN:
        st.caption(
            f"Evidence shown for the {EVIDENCE_LINKS_SHOWN} strongest links; "
            "open a linked entity for the rest."
        )
else:
    st.caption("No linked entity in this window.")

st.subheader("Documents mentioning it")
if profile.documents:
    show_documents_table(profile.documents, key="entities-documents")
else:
    st.caption("No document in this window.")
