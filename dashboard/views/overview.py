"""Overview: what is new in the date window."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.accounts import ANALYST, has_role
from dashboard.charts import top_entities_figure
from dashboard.components import describe_entity, show_alerts, show_documents_table
from dashboard.queries import dashboard_data_or_stop, recent_alerts
from dashboard.safe_text import escape_markdown, one_line
from dashboard.window import current_window, describe_window
from ingest.errors import ScamtraceError
from scamtrace.config import load_config

ALERTS_SHOWN = 5

data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())
overview = data.overview(since, until, limit=15)

st.title("Overview")
st.caption(f"What is new, {describe_window(since, until)}.")

documents_col, relevant_col, entities_col, relations_col = st.columns(4)
documents_col.metric("Documents", overview.documents)
relevant_col.metric(
    "Relevant documents", overview.relevant_documents,
    help="About trafficking, smuggling or scam centres; off-topic items are kept but not counted.",
)
entities_col.metric(
    "Entities", overview.entities, help="Distinct entities mentioned in the window."
)
relations_col.metric("Relations", overview.relations, help="Distinct links seen in the window.")

# Alerts are news whatever the window: the newest few, for everyone signed in.
try:
    alerts = recent_alerts(load_config(), limit=ALERTS_SHOWN)
except ScamtraceError as exc:
    alerts = None
    st.caption(f"Watchlist alerts cannot be read: {escape_markdown(str(exc))}")
if alerts is not None:
    st.subheader("Newest watchlist alerts")
    if alerts:
        show_alerts(alerts, key="overview-alerts", evidence=False)
    else:
        st.caption("No document has matched the watchlist yet.")
    if has_role(ANALYST):
        st.page_link("views/watchlists.py", label="The watchlist and all its alerts",
                     icon=":material/notifications:")

if overview.documents == 0:
    st.info(
        "Nothing was published in this window. Widen the date window in the sidebar.",
        icon=":material/event_busy:",
    )
    st.stop()

st.subheader("Newest relevant documents")
newest_relevant = [d for d in overview.newest_documents if d.relevant]
if newest_relevant:
    show_documents_table(newest_relevant, key="overview-newest")
else:
    st.caption("No relevant document in this window.")

chart_col, first_seen_col = st.columns([3, 2])
with chart_col:
    st.subheader("Entities mentioned most")
    if overview.top_entities:
        st.plotly_chart(
            top_entities_figure(list(overview.top_entities)), key="overview-top-entities"
        )
    else:
        st.caption("No entity mentioned in this window.")

with first_seen_col:
    st.subheader("First seen in this window")
    if overview.first_seen:
        st.dataframe(
            pd.DataFrame({
                "name": [one_line(n.name) for n in overview.first_seen],
                "label": [n.label for n in overview.first_seen],
                "first seen": [n.first_seen for n in overview.first_seen],
                "mentions": [n.mentions for n in overview.first_seen],
            }),
            hide_index=True, key="overview-first-seen",
        )
    else:
        st.caption("No entity appeared for the first time in this window.")

# A way from the overview into a profile, keeping the profile linkable.
candidates = {n.key: n for n in (*overview.top_entities, *overview.first_seen)}
if candidates:
    pick_col, go_col = st.columns([4, 1], vertical_alignment="bottom")
    chosen = pick_col.selectbox(
        "Open an entity profile", list(candidates), index=None, key="overview-open",
        format_func=lambda k: describe_entity(candidates[k]), placeholder="Pick an entity",
    )
    if go_col.button(
        "Open profile", disabled=chosen is None, icon=":material/arrow_forward:",
        key="overview-open-profile",
    ):
        st.switch_page("views/entities.py", query_params={"entity": chosen})
