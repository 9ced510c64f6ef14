"""Briefing: the cited situation briefing for the sidebar window, to download
as Markdown, Word or PDF (the same document ``scamtrace brief`` writes)."""

from __future__ import annotations

import streamlit as st

from dashboard.accounts import ANALYST, require_role, session_username
from dashboard.queries import DashboardData, dashboard_data_or_stop
from dashboard.safe_text import escape_markdown
from dashboard.window import current_window, describe_window
from graph.briefing import Briefing, build_briefing
from graph.briefing.charts import render_charts
from graph.briefing.render import FORMATS, MIME, default_output_name, render_briefing
from ingest.errors import ScamtraceError
from scamtrace.audit import BRIEFING, record
from scamtrace.config import load_config

require_role(ANALYST)  # briefings are for analysts; viewers' navigation leaves this page out

LABELS = {"md": "Markdown", "docx": "Word (.docx)", "pdf": "PDF"}


@st.cache_data(show_spinner="Writing the briefing…", max_entries=8)
def _documents(_data: DashboardData, identity: str, version: int, since: str | None,
               until: str | None, title: str
               ) -> tuple[Briefing, dict[str, bytes], dict[str, bytes]]:
    """The briefing, its files by format and its chart PNGs by key, for one
    window at one data version (plain types: the cache pickles them)."""
    documents = None
    config = load_config()
    if config.documents_path.exists():  # themes need the texts; a graph-only setup has none
        from ingest.store import DocumentStore

        documents = DocumentStore(config.documents_path)
    try:
        briefing = build_briefing(_data.store, documents, since, until, title=title)
    finally:
        if documents is not None:
            documents.close()
    charts = render_charts(briefing)
    files = {fmt: render_briefing(briefing, fmt, charts=charts).content for fmt in FORMATS}
    return briefing, files, charts


def _audit_download(detail: str) -> None:
    """Briefings leave the building: each download is in the audit log."""
    record(BRIEFING, session_username(), detail, home=load_config().home)


data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())
st.title("Briefing")
st.caption(f"A dated situation briefing for a meeting of member states, "
           f"{describe_window(since, until)}; every statement cites its sources.")
title = st.text_input("Title", value="Situation briefing", max_chars=120, key="briefing-title")
try:
    briefing, files, charts = _documents(data, data.identity, data.version, since, until,
                                         title)
except ScamtraceError as exc:
    st.error(f"Cannot write the briefing: {escape_markdown(str(exc))}")
    st.stop()

cols = st.columns(len(FORMATS))
for col, fmt in zip(cols, FORMATS, strict=True):
    col.download_button(
        f"Download {LABELS[fmt]}", data=files[fmt], mime=MIME[fmt],
        file_name=default_output_name(briefing, fmt), key=f"briefing-download-{fmt}",
        icon=":material/download:", width="stretch", on_click=_audit_download,
        args=(f"{fmt} {briefing.since}..{briefing.until}",))
st.caption("The Markdown download leaves the charts out (they are in the Word and PDF files); "
           "`scamtrace brief -o FILE.md` writes them beside the file.")
if briefing.relevant_documents == 0:
    st.info("No relevant document in this window. Widen the date window in the sidebar.",
            icon=":material/event_busy:")

st.subheader("Preview")
with st.container(border=True):
    # The Markdown escapes every source string already: it renders as text, never as markup.
    st.markdown(files["md"].decode("utf-8"))
    for chart in briefing.charts:
        st.image(charts[chart.key], caption=chart.title)
