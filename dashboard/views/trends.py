"""Trends: what is new or growing in the date window, and the documents behind it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.queries import DashboardData, dashboard_data_or_stop
from dashboard.safe_text import escape_markdown, one_line, plotly_text, safe_url
from dashboard.style import label_colour
from dashboard.window import current_window, describe_window
from graph.trends import (
    Listed,
    Series,
    TrendCounts,
    TrendWindow,
    burst_section,
    counts_section,
    emerging_entities,
    first_seen_section,
    mode_change_section,
    new_relation_section,
    report_notes,
    theme_section,
    trend_window,
)
from ingest.errors import ScamtraceError
from scamtrace.config import load_config

HOST_OF_URL = r"https?://(?:www\.)?([^/:?#]+)"
WEEKLY, MONTHLY = "Per week", "Per month"


# Each section is its own cached query, worked out in page order, so the page fills in
# as they come and no single query holds it up (all keyed by the data version). One
# wrapper each, not one made by a factory: Streamlit keys a cached function by its name
# and code, so factory-made wrappers would share one cache.
@st.cache_data(show_spinner=False, max_entries=32)
def _window(_data: DashboardData, identity: str, version: int, since: str | None,
            until: str | None) -> TrendWindow:
    return trend_window(_data.store, since, until)


@st.cache_data(show_spinner="Testing for bursts…", max_entries=32)
def _bursts(_data: DashboardData, identity: str, version: int, window: TrendWindow) -> Listed:
    return burst_section(_data.store, window)


@st.cache_data(show_spinner="Finding entities seen for the first time…", max_entries=32)
def _first_seen(_data: DashboardData, identity: str, version: int, window: TrendWindow
                ) -> Listed:
    return first_seen_section(_data.store, window)


@st.cache_data(show_spinner="Counting over time…", max_entries=32)
def _counts(_data: DashboardData, identity: str, version: int, window: TrendWindow,
            entities: tuple[str, ...]) -> TrendCounts:
    return counts_section(_data.store, window, entities)


@st.cache_data(show_spinner="Finding new relations…", max_entries=32)
def _new_relations(_data: DashboardData, identity: str, version: int, window: TrendWindow
                   ) -> Listed:
    return new_relation_section(_data.store, window)


@st.cache_data(show_spinner="Finding route mode changes…", max_entries=32)
def _mode_changes(_data: DashboardData, identity: str, version: int, window: TrendWindow
                  ) -> Listed:
    return mode_change_section(_data.store, window)


@st.cache_data(show_spinner="Finding themes…", max_entries=32)
def _themes(_data: DashboardData, identity: str, version: int, window: TrendWindow
            ) -> tuple | None:
    """The window's themes; None in a graph-only set-up (no stored texts)."""
    config = load_config()
    if not config.documents_path.exists():
        return None
    from ingest.store import DocumentStore

    with DocumentStore(config.documents_path) as documents:
        return theme_section(_data.store, window, documents)


def _over_time(series: list[Series], counts: TrendCounts, period: str, colours: bool
               ) -> go.Figure:
    axis = counts.weeks if period == WEEKLY else counts.months
    figure = go.Figure()
    for s in series:
        values = s.weekly if period == WEEKLY else s.monthly
        figure.add_trace(go.Scatter(
            x=list(axis), y=list(values), mode="lines+markers", name=plotly_text(s.name, 40),
            line={"color": label_colour(s.key)} if colours else None,
            hovertemplate=f"{plotly_text(s.name, 40)}<br>%{{x}}: %{{y}} documents<extra></extra>",
        ))
    figure.update_layout(
        height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"type": "category", "title": "ISO week" if period == WEEKLY else "month"},
        yaxis={"title": "documents", "rangemode": "tozero"},
    )
    return figure


def _titles(documents) -> list[str]:
    return [f"{d.date} · {one_line(d.title) or '(untitled)'}" for d in documents]


def _first_link(documents) -> str | None:
    return next((url for url in (safe_url(d.url) for d in documents) if url), None)


LINK_COLUMN = st.column_config.LinkColumn("First source", display_text=HOST_OF_URL)
DOCS_COLUMN = st.column_config.ListColumn("Documents", width="large")

data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())
st.title("Trends")
st.caption(f"What is new or growing, {describe_window(since, until)}; relevant documents only.")
try:
    window = _window(data, data.identity, data.version, since, until)
except ScamtraceError as exc:
    st.error(f"Cannot work out the trends: {escape_markdown(str(exc))}")
    st.stop()

if window.relevant_documents == 0:
    st.info("No relevant document in this window. Widen the date window in the sidebar.",
            icon=":material/event_busy:")
    st.stop()

settings = window.settings
cols = st.columns(5)
cols[0].metric("Relevant documents", window.relevant_documents)
bursts = _bursts(data, data.identity, data.version, window)
cols[1].metric("Bursts", bursts.count,
               help=f"Mentions in the last {settings.recent_weeks} weeks (from "
               f"{window.recent_since}) well above the item's own earlier rate: one-sided Poisson "
               f"test, p ≤ {settings.max_p_value}, at least {settings.min_count} "
               f"documents (the {settings.listed} strongest are listed).")
first_seen = _first_seen(data, data.identity, data.version, window)
cols[2].metric("First seen", first_seen.count,
               help="Entities whose first mention ever falls in the window (the "
               f"{settings.listed} best documented of each kind are listed).")
new_relations_metric, mode_changes_metric = cols[3].empty(), cols[4].empty()
counts = _counts(data, data.identity, data.version, window,
                 tuple(emerging_entities(bursts, first_seen, settings)))

st.subheader("Counts over time")
period = st.segmented_control("Period", (WEEKLY, MONTHLY), default=MONTHLY,
                              key="trends-period") or MONTHLY
label_col, entity_col = st.columns(2)
with label_col:
    st.caption("Entity mentions by label (one per document)")
    st.plotly_chart(_over_time(list(counts.by_label), counts, period, True),
                    key="trends-by-label")
with entity_col:
    series = {s.key: s for s in counts.by_entity}
    emerging = [b.key for b in bursts.items if b.kind == "entity" and b.key in series]
    chosen = st.multiselect(
        "Entities", list(series), default=(emerging or list(series))[:4], key="trends-entities",
        format_func=lambda k: f"{one_line(series[k].name)} ({k.split(':', 1)[0]})",
    )
    if chosen:
        st.plotly_chart(_over_time([series[k] for k in chosen], counts, period, False),
                        key="trends-by-entity")
    else:
        st.caption("Pick entities to compare.")

st.subheader("Emerging")
rows = [
    {"kind": f"burst ({b.kind})", "name": one_line(b.name), "label": b.label,
     "score": round(b.score, 2), "p-value": float(f"{b.p_value:.3g}"),
     "rate ratio": round(b.rate_ratio, 1), "recent": b.recent_count, "before": b.baseline_count,
     "first seen": b.first_seen, "documents": _titles(b.documents),
     "link": _first_link(b.documents)}
    for b in bursts.items
] + [
    {"kind": "first seen", "name": one_line(f.name), "label": f.label, "score": None,
     "p-value": None, "rate ratio": None, "recent": f.document_count, "before": 0,
     "first seen": f.first_seen, "documents": _titles(f.documents),
     "link": _first_link(f.documents)}
    for f in first_seen.items
]
if rows:
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, key="trends-emerging",
        column_config={"documents": DOCS_COLUMN, "link": LINK_COLUMN,
                       "score": st.column_config.NumberColumn("score", help="-log10(p-value)")},
    )
else:
    st.caption("Nothing bursts or appears for the first time in this window.")


new_relations = _new_relations(data, data.identity, data.version, window)
new_relations_metric.metric("New relations", new_relations.count,
                            help="Links (other than co-occurrence) reported for the first time.")
mode_changes = _mode_changes(data, data.identity, data.version, window)
mode_changes_metric.metric(
    "Route mode changes", mode_changes.count,
    help="A route, or the corridor between two countries, reported with a mode (land, sea, "
    "air) it never had before.")

relations_col, modes_col = st.columns([3, 2])
with relations_col:
    st.markdown("**New relations**")
    if new_relations.items:
        st.dataframe(pd.DataFrame([
            {"relation": r.type, "source": one_line(r.source), "target": one_line(r.target),
             "mode": ", ".join(m for m in r.modes if m), "first seen": r.first_seen,
             "documents": _titles(r.documents),
             "evidence": [one_line(d.sentence) for d in r.documents],
             "link": _first_link(r.documents)}
            for r in new_relations.items
        ]), hide_index=True, key="trends-new-relations",
            column_config={"documents": DOCS_COLUMN, "link": LINK_COLUMN,
                           "evidence": st.column_config.ListColumn("Evidence", width="large")})
        if new_relations.count > len(new_relations.items):
            st.caption(f"The first {len(new_relations.items)} of {new_relations.count}; "
                       "narrow the window to see the rest.")
    else:
        st.caption("No relation reported for the first time in this window.")
with modes_col:
    st.markdown("**Route mode changes**")
    if mode_changes.items:
        st.dataframe(pd.DataFrame([
            {"route": f"{one_line(c.source)} → {one_line(c.target)}",
             "kind": c.kind, "new mode": c.mode,
             "before": ", ".join(c.previous_modes), "first seen": c.first_seen,
             "documents": _titles(c.documents), "link": _first_link(c.documents)}
            for c in mode_changes.items
        ]), hide_index=True, key="trends-mode-changes",
            column_config={"documents": DOCS_COLUMN, "link": LINK_COLUMN})
        if mode_changes.count > len(mode_changes.items):
            st.caption(f"The first {len(mode_changes.items)} of {mode_changes.count}.")
    else:
        st.caption("No route changed mode in this window.")
    if counts.by_route_mode:
        st.caption("Route reports by mode")
        st.plotly_chart(_over_time(list(counts.by_route_mode), counts, period, False),
                        key="trends-route-modes")

# Every item's documents, each with its link and (for relations) the sentence.
behind = {
    **{f"burst:{b.key}": (f"Burst · {b.name} ({b.label})", b.documents) for b in bursts.items},
    **{f"first:{f.key}": (f"First seen · {f.name} ({f.label})", f.documents)
       for f in first_seen.items},
    **{f"relation:{r.type}|{r.source}|{r.target}":
       (f"New relation · {r.source} {r.type} {r.target}", r.documents)
       for r in new_relations.items},
    **{f"mode:{c.source}|{c.target}|{c.mode}":
       (f"Mode change · {c.source} → {c.target} by {c.mode}", c.documents)
       for c in mode_changes.items},
}
picked = st.selectbox("Documents behind an item", list(behind), index=None,
                      key="trends-item", placeholder="Pick an emerging item",
                      format_func=lambda k: one_line(behind[k][0]))
if picked is not None:
    st.dataframe(pd.DataFrame([
        {"date": d.date, "title": one_line(d.title) or "(untitled)",
         "publisher": one_line(d.source), "evidence": one_line(d.sentence),
         "link": safe_url(d.url)}
        for d in behind[picked][1]
    ]), hide_index=True, key="trends-item-documents",
        column_config={"title": st.column_config.TextColumn("Title", width="large"),
                       "evidence": st.column_config.TextColumn("Evidence", width="large"),
                       "link": st.column_config.LinkColumn("Source",
                                                           display_text=HOST_OF_URL)})

st.subheader("Themes")
themes = _themes(data, data.identity, data.version, window)
if not themes:
    st.caption("Too few documents (or no stored texts) to find themes in this window.")
else:
    months = counts.months
    first = themes[0]
    if first.sampled:
        # Large windows are clustered on a sample: say so, since sizes count only the sample.
        st.caption(f"Themes found in {first.clustered:,} of the {first.of:,} relevant "
                   "documents in this window (a sample spread evenly over its weeks, less any "
                   "without a stored text); the documents per theme and per month count those.")
    figure = go.Figure()
    for theme in themes:
        sizes = dict(theme.months)
        figure.add_trace(go.Bar(
            x=list(months), y=[sizes.get(m, 0) for m in months],
            name=plotly_text(f"{theme.number}: {theme.label}", 40),
            hovertemplate="%{x}: %{y} documents<extra></extra>"))
    figure.update_layout(height=300, barmode="stack", margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         xaxis={"type": "category", "title": "month"},
                         yaxis={"title": "sampled documents" if first.sampled
                                else "documents"})
    st.plotly_chart(figure, key="trends-themes")
    st.dataframe(pd.DataFrame([
        {"theme": t.number, "terms": list(t.terms), "documents": t.size,
         "representative": _titles(t.documents), "link": _first_link(t.documents)}
        for t in themes
    ]), hide_index=True, key="trends-theme-table",
        column_config={"terms": st.column_config.ListColumn("Top terms", width="large"),
                       "representative": st.column_config.ListColumn(
                           "Most representative documents", width="large"),
                       "link": LINK_COLUMN})

with st.expander("How bursts are scored"):
    s = settings
    st.markdown(
        f"Every count is documents. The recent period is the last {s.recent_weeks} weeks of the "
        f"window (from {window.recent_since}); the baseline runs from {window.baseline_since} "
        f"up to it (at least {s.baseline_weeks} weeks where the data allows). "
        f"The baseline rate is smoothed, (documents + {s.prior_count}) / (weeks + "
        f"{s.prior_weeks}), so an item never seen before has a small expected rate. The p-value "
        "is the chance of at least the recent count under a Poisson law at that rate; the score "
        "is −log10(p); q-values (Benjamini–Hochberg) are in the JSON export "
        "(`scamtrace trends --json`).")
    for note in report_notes(window, bursts, first_seen, new_relations, mode_changes,
                             themes is None):
        st.caption(escape_markdown(note))
