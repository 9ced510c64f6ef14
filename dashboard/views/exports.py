"""Exports: the graph as a file for Gephi, yEd, Cytoscape, i2, Maltego or Aleph,
written by the same exporters as ``scamtrace export``. Every download is audited."""

from __future__ import annotations

import streamlit as st

from dashboard.accounts import ANALYST, require_role, session_username
from dashboard.downloads import ExportDownload, export_download
from dashboard.queries import DashboardData, dashboard_data_or_stop
from dashboard.safe_text import escape_markdown
from dashboard.window import current_window, describe_window
from graph.export import FORMATS
from ingest.errors import ScamtraceError
from nlp.taxonomy import ENTITY_LABELS
from scamtrace.audit import EXPORT, record
from scamtrace.config import load_config

require_role(ANALYST)  # exports leave the building; viewers' navigation leaves this page out

TOOLS = {"graphml": "yEd, Cytoscape", "gexf": "Gephi", "csv": "i2, Maltego, a spreadsheet",
         "json": "Cytoscape.js", "ftm": "Aleph (FollowTheMoney)"}


@st.cache_data(show_spinner="Writing the export…", max_entries=8)
def _export(_data: DashboardData, identity: str, version: int, format: str,
            since: str | None, until: str | None, labels: tuple[str, ...] | None
            ) -> ExportDownload:
    """One export per choice and data version (a rerun does not write it again)."""
    return export_download(_data.store, format, since=since, until=until, labels=labels)


def _audit_download(format: str, detail: str) -> None:
    """Exports leave the building: each download is in the audit log."""
    record(EXPORT, session_username(), f"{format} (dashboard download) {detail}",
           home=load_config().home)


data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())
st.title("Exports")
st.caption("The knowledge graph as a file for other tools. Every relation carries its "
           "evidence: the sentence, the document's id, title, link and date.")

format_col, window_col = st.columns([3, 1], vertical_alignment="bottom")
chosen = format_col.radio(
    "Format", list(FORMATS), key="export-format", horizontal=True,
    format_func=lambda name: f"{name} ({TOOLS[name]})",
)
in_window = window_col.toggle(
    "Date window", value=True, key="export-in-window",
    help=f"On: only evidence and mentions dated {describe_window(since, until)} (the "
    "sidebar window). Off: all dates.",
)
labels = st.multiselect("Entity labels", ENTITY_LABELS, default=list(ENTITY_LABELS),
                        key="export-labels")
st.caption(escape_markdown(FORMATS[chosen].description) + ".")
if not labels:
    st.info("Pick at least one label to export.", icon=":material/filter_alt_off:")
    st.stop()

window = (since, until) if in_window else (None, None)
try:
    download = _export(data, data.identity, data.version, chosen, *window,
                       tuple(labels) if len(labels) < len(ENTITY_LABELS) else None)
except ScamtraceError as exc:
    st.error(f"Cannot write the export: {escape_markdown(str(exc))}")
    st.stop()

st.download_button(
    f"Download {download.file_name}", data=download.content, file_name=download.file_name,
    mime=download.mime, key="export-download", icon=":material/download:", type="primary",
    on_click=_audit_download,
    args=(chosen, f"{describe_window(*window)} -> {download.file_name}: {download.summary()}"),
)
st.caption(f"{download.summary()}, {describe_window(*window)}.")
if download.nodes == 0:
    st.info("No entity in this window. Widen the date window in the sidebar or switch it off.",
            icon=":material/event_busy:")
