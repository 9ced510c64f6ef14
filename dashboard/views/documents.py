"""Documents: the searchable, paginated list of everything ingested."""

from __future__ import annotations

import streamlit as st

from dashboard.components import show_documents_table
from dashboard.network import entity_name
from dashboard.queries import dashboard_data_or_stop
from dashboard.safe_text import escape_markdown
from dashboard.window import current_window, describe_window

ENTITY_PARAM = "entity"
PAGE_SIZE = 25
PAGE_KEY = "documents-page"
FILTERS_KEY = "documents-filters"

data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())

st.title("Documents")
search_col, relevant_col, window_col = st.columns([3, 1, 1], vertical_alignment="bottom")
query = search_col.text_input(
    "Search titles", key="documents-query", placeholder="e.g. Myawaddy, raid, recruitment"
)
relevant_only = relevant_col.toggle("Relevant only", value=False, key="documents-relevant")
in_window = window_col.toggle(
    "Date window", value=True, key="documents-in-window",
    help=f"On: published {describe_window(since, until)}. Off: all dates.",
)

entity = st.query_params.get(ENTITY_PARAM) or None
if entity:
    filter_col, clear_col = st.columns([4, 1], vertical_alignment="center")
    filter_col.markdown(
        f"Mentioning **{escape_markdown(entity_name(entity))}** ({escape_markdown(entity)})"
    )
    if clear_col.button("Clear", icon=":material/close:", key="documents-clear-entity"):
        st.query_params.pop(ENTITY_PARAM, None)
        st.rerun()

# Back to the first page whenever the filters change.
filters = (query.strip(), relevant_only, in_window, since, until, entity)
if st.session_state.get(FILTERS_KEY) != filters:
    st.session_state[FILTERS_KEY] = filters
    st.session_state[PAGE_KEY] = 0
page = st.session_state.get(PAGE_KEY, 0)

# One row more than a page tells whether a next page exists.
rows = data.documents(
    query=query.strip(), since=since if in_window else None,
    until=until if in_window else None, relevant_only=relevant_only, entity=entity,
    limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE,
)
has_next = len(rows) > PAGE_SIZE
shown = rows[:PAGE_SIZE]

if not shown:
    st.info("No document matches these filters.", icon=":material/filter_alt_off:")
else:
    first = page * PAGE_SIZE + 1
    off_topic = sum(not d.relevant for d in shown)
    st.caption(
        f"Documents {first}–{first + len(shown) - 1}, newest first"
        + (f"; {off_topic} marked off-topic (kept, not counted)" if off_topic else "")
        + "."
    )
    show_documents_table(shown, key="documents-table")


def _turn(step: int) -> None:
    st.session_state[PAGE_KEY] = max(0, st.session_state.get(PAGE_KEY, 0) + step)


previous_col, page_col, next_col = st.columns([1, 1, 1], vertical_alignment="center")
previous_col.button(
    "Previous", on_click=_turn, args=(-1,), disabled=page == 0, icon=":material/chevron_left:",
    key="documents-previous",
)
page_col.caption(f"Page {page + 1}")
next_col.button(
    "Next", on_click=_turn, args=(1,), disabled=not has_next, icon=":material/chevron_right:",
    key="documents-next",
)
