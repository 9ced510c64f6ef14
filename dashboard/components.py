"""Pieces of page that several pages share: the entity picker, evidence
quotes, the documents table and watchlist alerts. All source text is shown escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard.network import entity_name
from dashboard.queries import DashboardData
from dashboard.safe_text import escape_markdown, one_line, safe_url
from graph.model import DocumentSummary, EntityNode, Evidence
from graph.watchlist import Alert
from nlp.taxonomy import ENTITY_LABELS

ALL_LABELS = "All labels"
ROW_HEIGHT_PX = 35
MAX_TABLE_HEIGHT_PX = 950
HOST_OF_URL = r"https?://(?:www\.)?([^/:?#]+)"  # LinkColumn shows the site, not the whole URL


def describe_entity(node: EntityNode) -> str:
    """How an entity appears in pickers (plain text, never Markdown)."""
    return f"{one_line(node.name)} · {node.label} · {node.mentions} mentions"


def entity_picker(
    data: DashboardData,
    key: str,
    title: str = "Entity",
    selected: str | None = None,
    on_pick: Callable[[str | None], None] | None = None,
    suggestions: Sequence[EntityNode] = (),
) -> str | None:
    """A search box, a label filter and a list of matches; returns the entity
    key picked (``selected`` until the user picks another).

    With no search text the list offers ``suggestions`` (e.g. the most
    mentioned entities), so a first-time user has something to click.
    """
    search_col, label_col = st.columns([3, 1])
    query = search_col.text_input(
        f"Search {title.lower()}", key=f"{key}-query", placeholder="e.g. Myawaddy, Telegram, IOM"
    )
    label_choice = label_col.selectbox(
        "Label", (ALL_LABELS, *ENTITY_LABELS), key=f"{key}-label"
    )
    label = None if label_choice == ALL_LABELS else label_choice
    if query.strip():
        matches = data.search_entities(query.strip(), label=label, limit=25)
        if not matches:
            st.caption(f"No entity matches “{escape_markdown(query)}”.")
    else:
        matches = [n for n in suggestions if label is None or n.label == label]

    nodes = {n.key: n for n in matches}
    if selected and selected not in nodes:
        current = data.entity(selected)
        if current is not None:
            nodes = {selected: current, **nodes}
    options = list(nodes)
    pick_key = f"{key}-pick"

    def _picked() -> None:
        if on_pick is not None:
            on_pick(st.session_state.get(pick_key))

    # Keep the widget in step with ``selected`` (a link or query parameter may
    # have changed it since the last run).
    if selected in nodes and st.session_state.get(pick_key) != selected:
        st.session_state[pick_key] = selected
    elif st.session_state.get(pick_key) not in nodes:
        st.session_state.pop(pick_key, None)
    choice = st.selectbox(
        title, options, index=None, key=pick_key,
        format_func=lambda k: describe_entity(nodes[k]) if k in nodes else k,
        placeholder="Pick an entity" if options else "Search for an entity first",
        on_change=_picked,
    )
    return choice


def show_evidence(evidence: Sequence[Evidence], key: str) -> None:
    """Each sentence as a quote, with where it came from and a link to it."""
    if not evidence:
        st.caption("No evidence sentence stored for this link.")
        return
    for index, item in enumerate(evidence):
        quote_col, link_col = st.columns([6, 1], vertical_alignment="center")
        quote_col.markdown(f"> {escape_markdown(item.sentence)}")
        origin = " · ".join(
            escape_markdown(part) for part in (item.date, item.title, item.source) if part
        )
        if origin:
            quote_col.caption(origin)
        url = safe_url(item.url)
        if url:
            link_col.link_button(
                "Source", url, key=f"{key}-src-{index}", icon=":material/open_in_new:"
            )


def documents_frame(documents: Sequence[DocumentSummary]) -> pd.DataFrame:
    """Documents as table rows; unsafe URLs become empty cells."""
    return pd.DataFrame(
        {
            "date": [d.published for d in documents],
            "title": [one_line(d.title) or "(untitled)" for d in documents],
            "publisher": [one_line(d.source) for d in documents],
            "relevance": ["relevant" if d.relevant else "off-topic" for d in documents],
            "entities": [[entity_name(k) for k in d.entities] for d in documents],
            "link": [safe_url(d.url) for d in documents],
        }
    )


def show_documents_table(documents: Sequence[DocumentSummary], key: str) -> None:
    st.dataframe(
        documents_frame(documents),
        hide_index=True,
        key=key,
        # Tall enough for a whole page of rows: one scroll bar, not two.
        height=min(ROW_HEIGHT_PX * (len(documents) + 1) + 3, MAX_TABLE_HEIGHT_PX),
        column_order=("date", "title", "link", "publisher", "relevance", "entities"),
        column_config={
            "date": st.column_config.TextColumn("Date", width="small"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "publisher": st.column_config.TextColumn("Publisher", width="medium"),
            "relevance": st.column_config.TextColumn("Relevance", width="small"),
            "entities": st.column_config.ListColumn("Entities found", width="large"),
            "link": st.column_config.LinkColumn("Source", display_text=HOST_OF_URL),
        },
    )


def show_alerts(alerts: Sequence[Alert], key: str, evidence: bool = True) -> None:
    """Each alert: what was watched, the document that matched (with a link to its
    source) and, with ``evidence``, the sentences that matched."""
    for index, alert in enumerate(alerts):
        with st.container(border=True):
            text_col, link_col = st.columns([6, 1], vertical_alignment="center")
            text_col.markdown(f"**{escape_markdown(alert.value)}** · "
                              f"{escape_markdown(alert.title or alert.doc_id)}")
            origin = (alert.published, alert.source, f"{alert.kind} watch",
                      f"alert recorded {alert.recorded}")
            text_col.caption(" · ".join(escape_markdown(part) for part in origin if part))
            url = safe_url(alert.url)
            if url:
                link_col.link_button("Source", url, key=f"{key}-src-{index}",
                                     icon=":material/open_in_new:")
            if evidence:
                for sentence in alert.evidence:
                    st.markdown(f"> {escape_markdown(sentence)}")
