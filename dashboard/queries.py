"""The dashboard's only way to its data: the configured ``GraphStore``.

The store is opened once per process (``st.cache_resource``); query results
are cached (``st.cache_data``) under the store's identity and its data
version (``GraphStore.data_version``, which every write moves, whichever
writer made it), so a rerun never reloads the graph and a new ``scamtrace
run`` is picked up on the next interaction. The identity also says which
curation rules the graph was built with.

The watchlist's alerts are read here too (``recent_alerts``): they live beside
the graph, in ``HOME/watchlist.sqlite``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.safe_text import escape_markdown
from graph.curation import curation_path
from graph.model import (
    DocumentSummary,
    Edge,
    EntityNode,
    EntityProfile,
    GraphStore,
    Overview,
    Subgraph,
)
from graph.watchlist import WATCHLIST_FILE, Alert, Watchlist
from ingest.errors import ScamtraceError
from scamtrace.config import Config, load_config
from scamtrace.stores import open_graph_store

EMPTY_STORE_MESSAGE = (
    "The graph is empty. Run `scamtrace run` first to fetch the feeds, extract "
    "entities and build the graph, then reload this page."
)


def store_identity(config: Config) -> str:
    """What tells two stores apart (never the password)."""
    if config.graph.backend == "neo4j":
        return f"neo4j:{config.graph.uri}/{config.graph.database or ''}"
    return f"embedded:{config.graph_path.resolve()}"


@st.cache_resource(show_spinner=False)
def _open_store(identity: str, _config: Config) -> GraphStore:
    return open_graph_store(_config)


def _in_background(work: Any, name: str) -> threading.Thread:
    """``work()`` on a daemon thread: a page never waits for it, nor does shutdown."""
    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner=False)
def warm_up_in_background() -> threading.Thread:
    """Load, once per process and off any page's path, what the first Trends view
    would otherwise wait for: the offline city table that groups routes into
    corridors (~2 s) and scikit-learn's NMF and TF-IDF (~1 s)."""
    def load() -> None:
        import sklearn.decomposition  # noqa: F401
        import sklearn.feature_extraction.text  # noqa: F401

        from graph.places import load_city_table

        load_city_table()

    return _in_background(load, "scamtrace-warm-up")


@st.cache_resource(show_spinner=False, max_entries=4)
def _prepared(_store: GraphStore, identity: str, version: int) -> threading.Thread | None:
    prepare = getattr(_store, "prepare", None)
    if prepare is None:  # a server-side graph (Neo4j) has nothing to build here
        return None
    return _in_background(prepare, "scamtrace-prepare")


def prepare_in_background(data: DashboardData) -> None:
    """Once per data version, let the store build in a background thread what its graph
    queries share (the embedded store's analysis graph: ~5 s at 100,000 documents), so
    the explorer and the Links page find it ready, or wait only for the rest of it."""
    _prepared(data.store, data.identity, data.version)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(
    _store: GraphStore, identity: str, version: int, method: str,
    args: tuple, kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    return getattr(_store, method)(*args, **dict(kwargs))


@dataclass(frozen=True)
class DashboardData:
    """Cached, read-only access to one store at one data version."""

    store: GraphStore
    identity: str
    version: int

    def _query(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return _cached_query(
            self.store, self.identity, self.version, method, args, tuple(sorted(kwargs.items()))
        )

    def counts(self) -> dict:
        return self._query("counts")

    def newest_date(self) -> str | None:
        """The newest document's date, which anchors the default window."""
        newest = self.documents(limit=1)
        return newest[0].published if newest else None

    def is_empty(self) -> bool:
        return self.counts().get("documents", 0) == 0

    def overview(self, since: str | None, until: str | None, limit: int = 10) -> Overview:
        return self._query("overview", since=since, until=until, limit=limit)

    def top_entities(
        self, label: str, since: str | None, until: str | None, limit: int = 10
    ) -> list[EntityNode]:
        return self._query("top_entities", label, since=since, until=until, limit=limit)

    def search_entities(
        self, query: str, label: str | None = None, limit: int = 20
    ) -> list[EntityNode]:
        return self._query("search_entities", query, label=label, limit=limit)

    def entity(self, key: str) -> EntityNode | None:
        return self._query("entity", key)

    def entity_profile(
        self, key: str, since: str | None = None, until: str | None = None,
        neighbour_limit: int = 50, evidence_limit: int = 5,
    ) -> EntityProfile | None:
        return self._query(
            "entity_profile", key, since=since, until=until,
            neighbour_limit=neighbour_limit, evidence_limit=evidence_limit,
        )

    def neighbourhood(
        self, key: str, depth: int = 1, labels: tuple[str, ...] | None = None,
        since: str | None = None, until: str | None = None, limit: int = 200,
    ) -> Subgraph:
        return self._query(
            "neighbourhood", key, depth=depth, labels=labels, since=since, until=until,
            limit=limit,
        )

    def neighbourhood_with_evidence(
        self, key: str, depth: int = 1, labels: tuple[str, ...] | None = None,
        since: str | None = None, until: str | None = None, limit: int = 200,
    ) -> Subgraph:
        """``neighbourhood``: each edge carries its newest evidence sentence."""
        return self._query("neighbourhood", key, depth=depth, labels=labels, since=since,
                           until=until, limit=limit)

    def shortest_path(self, source: str, target: str, max_hops: int = 6) -> list[Edge]:
        return self._query("shortest_path", source, target, max_hops=max_hops)

    def documents(
        self, query: str = "", since: str | None = None, until: str | None = None,
        relevant_only: bool = False, entity: str | None = None, limit: int = 50,
        offset: int = 0,
    ) -> list[DocumentSummary]:
        return self._query(
            "documents", query=query, since=since, until=until, relevant_only=relevant_only,
            entity=entity, limit=limit, offset=offset,
        )


def curation_stamp(config: Config) -> str:
    """Which curation rules are in force: the rules file's change time and size."""
    try:
        found = curation_path(config.extractions_path.parent).stat()
    except FileNotFoundError:
        return "none"
    return f"{found.st_mtime_ns}-{found.st_size}"


def forget_cached_queries() -> None:
    """Drop every cached query result: the graph changed under an unchanged
    high-water mark (a curation rebuild from this process)."""
    st.cache_data.clear()


def open_dashboard_data() -> DashboardData:
    """The configured store, opened once, at its current data version.

    Raises ``ScamtraceError`` when the configuration is wrong or the store
    cannot be reached.
    """
    config = load_config()
    identity = store_identity(config)
    store = _open_store(identity, config)
    return DashboardData(store=store, identity=f"{identity}#curation:{curation_stamp(config)}",
                         version=store.data_version())


def watchlist_path(config: Config) -> Path:
    return config.home / WATCHLIST_FILE


def recent_alerts(config: Config, limit: int = 50) -> list[Alert] | None:
    """The newest watchlist alerts, newest first; None when nothing was ever watched
    (no watchlist file, which this does not create)."""
    path = watchlist_path(config)
    if not path.exists():
        return None
    with Watchlist(path) as watchlist:
        return watchlist.alerts(limit=limit)


def dashboard_data_or_stop() -> DashboardData:
    """Like ``open_dashboard_data``, but a problem or an empty graph is shown
    to the user in place of the page, and the page stops there."""
    try:
        data = open_dashboard_data()
        empty = data.is_empty()
    except ScamtraceError as exc:
        st.error(f"Cannot open the graph: {escape_markdown(str(exc))}")
        st.stop()
    if empty:
        st.info(EMPTY_STORE_MESSAGE, icon=":material/database:")
        st.stop()
    return data
