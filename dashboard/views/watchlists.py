"""Watchlists: the entities and terms being followed, and the alerts new documents
raised for them. The same watchlist as ``scamtrace watchlist`` and ``scamtrace
alerts`` (``graph.watchlist``, ``HOME/watchlist.sqlite``); every change is audited
with the signed-in user."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.accounts import ANALYST, require_role, session_username
from dashboard.components import entity_picker, show_alerts
from dashboard.queries import dashboard_data_or_stop, watchlist_path
from dashboard.safe_text import escape_markdown, one_line
from graph.model import GraphStore
from graph.watchlist import ATOM_FILE, ENTITY, TERM, Watchlist, write_atom
from ingest.errors import ScamtraceError
from scamtrace.audit import WATCHLIST, record
from scamtrace.config import Config, load_config

require_role(ANALYST)  # the watchlist says what analysts are looking into

FLASH_KEY = "watchlists-flash"
CHANGES_KEY = "watchlists-changes"  # changes so far: part of the add forms' widget keys
ALERTS_SHOWN = 50
ALL_WATCHES = "All watches"


def _act(config: Config, action: Callable[[], str]) -> None:
    """Run one change; audit and announce what it did, or show why it failed."""
    try:
        done = action()
    except ScamtraceError as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")
        return
    record(WATCHLIST, session_username(), done, home=config.home)
    st.session_state[FLASH_KEY] = done
    st.session_state[CHANGES_KEY] = st.session_state.get(CHANGES_KEY, 0) + 1  # empty forms
    st.rerun()


def _add(config: Config, kind: str, value: str, relevant_only: bool, backfill: bool) -> str:
    """Watch ``value`` from the next extraction on (or from the first, with ``backfill``),
    as ``scamtrace watchlist add`` does."""
    from scamtrace import stores

    with stores.open_extraction_store(config) as extractions:
        start = 0 if backfill else extractions.max_seq()
    with Watchlist(watchlist_path(config)) as watchlist:
        watch = watchlist.add(kind, value, start_seq=start, relevant_only=relevant_only)
    return f"watching {watch.kind} {watch.value!r} (id {watch.id})"


def _remove(config: Config, watch_id: int) -> str:
    """Stop watching, as ``scamtrace watchlist remove`` does (the feed is rewritten)."""
    with Watchlist(watchlist_path(config)) as watchlist:
        removed = watchlist.remove(str(watch_id))
        write_atom(watchlist, config.home / ATOM_FILE)
    return f"no longer watching {removed.kind} {removed.value!r} (id {removed.id})"


def _match_now(config: Config, graph: GraphStore) -> str:
    """Match the watchlist against what the graph holds, as ``scamtrace watchlist check``."""
    from scamtrace import runner, stores

    with runner.run_lock(config), stores.open_document_store(config) as documents, \
            stores.open_extraction_store(config) as extractions:
        report = runner.watchlist_step(config, documents, extractions, graph)
    return f"matched now: {report.summary()}"


data = dashboard_data_or_stop()
config = load_config()
path = watchlist_path(config)

st.title("Watchlists")
st.caption("Entities and terms to follow. After every `scamtrace run` or `scamtrace watch` "
           "cycle, new documents that match become alerts, here and in the Atom feed "
           f"{escape_markdown(str(config.home / ATOM_FILE))} for a feed reader.")
flash = st.session_state.pop(FLASH_KEY, None)
if flash is not None:
    st.success(escape_markdown(flash[:1].upper() + flash[1:]) + ".", icon=":material/done:")

watches, alerts = [], []
if path.exists():
    try:
        with Watchlist(path) as watchlist:
            watches = watchlist.watches()
            alerts = watchlist.alerts()
    except ScamtraceError as exc:
        st.error(f"Cannot read the watchlist: {escape_markdown(str(exc))}")
        st.stop()
by_id = {w.id: w for w in watches}
counts: dict[int, int] = {}
for alert in alerts:
    counts[alert.watch_id] = counts.get(alert.watch_id, 0) + 1

st.subheader("Watched")
if not watches:
    st.caption("Nothing watched yet.")
else:
    st.dataframe(
        pd.DataFrame({
            "id": [w.id for w in watches],
            "kind": [w.kind for w in watches],
            "watching": [one_line(w.value) for w in watches],
            "relevant only": [w.relevant_only for w in watches],
            "alerts": [counts.get(w.id, 0) for w in watches],
            "added": [w.added for w in watches],
        }),
        hide_index=True, key="watchlists-watches",
    )
    pick_col, remove_col, match_col = st.columns([4, 1, 1], vertical_alignment="bottom")
    doomed = pick_col.selectbox(
        "Stop watching", list(by_id), index=None, key="watchlists-remove-pick",
        placeholder="Pick a watch", format_func=lambda i: f"{by_id[i].kind}: "
        f"{one_line(by_id[i].value)}",
        help="Its alerts are removed with it.")
    if remove_col.button("Remove", key="watchlists-remove", icon=":material/delete:",
                         disabled=doomed is None):
        _act(config, lambda: _remove(config, doomed))
    if match_col.button("Match now", key="watchlists-match", icon=":material/sync:",
                        help="Match every watch against the documents already in the graph "
                        "that it has not seen (`scamtrace watchlist check`)."):
        _act(config, lambda: _match_now(config, data.store))

st.subheader("Watch something new")
changes = st.session_state.get(CHANGES_KEY, 0)
fresh = f"-{changes}" if changes else ""
entity_tab, term_tab = st.tabs(["An entity", "A word or phrase"])
with entity_tab:
    watched = entity_picker(data, f"watchlists-entity{fresh}", title="Entity to watch")
    backfill_entity = st.checkbox(
        "Also match documents already in the graph", key=f"watchlists-entity-backfill{fresh}",
        help="Off: only documents extracted from now on. On: press Match now (or wait for "
        "the next run) to get alerts for the earlier ones too.")
    if st.button("Watch this entity", key=f"watchlists-add-entity{fresh}",
                 icon=":material/add_alert:", disabled=watched is None):
        _act(config, lambda: _add(config, ENTITY, watched, True, backfill_entity))
with term_tab:
    term = st.text_input("Word or phrase", key=f"watchlists-term{fresh}", max_chars=200,
                         placeholder="e.g. Huione, KK Park, job offer in Thailand",
                         help="Matched as whole words in titles and text, case ignored.")
    relevant_col, backfill_col = st.columns(2)
    relevant_only = relevant_col.checkbox(
        "Relevant documents only", key=f"watchlists-term-relevant{fresh}",
        help="Off: off-topic and non-English documents match too.")
    backfill_term = backfill_col.checkbox(
        "Also match documents already in the graph", key=f"watchlists-term-backfill{fresh}")
    if st.button("Watch this term", key=f"watchlists-add-term{fresh}", icon=":material/add_alert:",
                 disabled=not term.strip()):
        _act(config, lambda: _add(config, TERM, term, relevant_only, backfill_term))

st.subheader("Recent alerts")
if not alerts:
    st.caption("No alerts yet.")
else:
    shown_watch = st.selectbox(
        "Alerts of", [ALL_WATCHES, *(w.id for w in watches)], key="watchlists-alerts-of",
        format_func=lambda i: i if i == ALL_WATCHES else
        f"{by_id[i].kind}: {one_line(by_id[i].value)} ({counts.get(i, 0)})")
    chosen = [a for a in alerts if shown_watch in (ALL_WATCHES, a.watch_id)]
    st.caption(f"{min(len(chosen), ALERTS_SHOWN)} of {len(chosen)}, newest first.")
    show_alerts(chosen[:ALERTS_SHOWN], key="watchlists-alerts")
