"""Fixtures for the graph tests: one query suite, every backend.

``graph_store`` is parametrised by backend. To run the suite against Neo4j,
add a factory to ``BACKENDS`` that returns a ``Neo4jGraphStore`` (the fixture
clears it before each test) and mark its param, e.g.::

    def neo4j_backend(tmp_path):
        from graph.neo4j_store import Neo4jGraphStore
        return Neo4jGraphStore(uri=..., user=..., password=..., database=...)

    BACKENDS["neo4j"] = neo4j_backend
    MARKS["neo4j"] = (pytest.mark.neo4j,)

``world`` is the store holding ``graph_world.WORLD``, a small graph written
by hand.

For the tests of what only Neo4j does (test_neo4j_*.py): ``neo4j_uri``, the
running server's Bolt URI, once per module (skip without a server, fail when
SCAMTRACE_REQUIRE_NEO4J=1); ``neo4j_store``, a store on it cleared before each
test; ``neo4j_module_store``, one store for a whole module, not cleared (its
tests load what they need). Named so as not to be taken for the ``store``
fixtures some embedded test modules define.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# The hand-built world lives beside the tests; make it importable whatever
# --import-mode pytest runs with (tests/ is not a package).
sys.path.insert(0, str(Path(__file__).parent))
from graph_world import WORLD  # noqa: E402
from neo4j_server import PASSWORD, require_server  # noqa: E402

from graph.embedded import EmbeddedGraphStore
from graph.model import GraphStore


def embedded_store(tmp_path: Path) -> GraphStore:
    return EmbeddedGraphStore(tmp_path / "graph.sqlite")


def neo4j_backend(tmp_path: Path) -> GraphStore:
    """The server scripts/neo4j runs (skip when it is not running, fail when
    SCAMTRACE_REQUIRE_NEO4J=1)."""
    import os
    import subprocess

    from graph.neo4j_store import Neo4jGraphStore

    script = Path(__file__).resolve().parents[2] / "scripts" / "neo4j"
    status = subprocess.run([str(script), "status"], capture_output=True, text=True,
                            timeout=30, check=False)
    if status.returncode != 0:
        reason = "no Neo4j server running: start one with scripts/neo4j start"
        if os.environ.get("SCAMTRACE_REQUIRE_NEO4J") == "1":
            pytest.fail(f"{reason} (SCAMTRACE_REQUIRE_NEO4J=1)")
        pytest.skip(reason)
    port = status.stdout.rsplit(":", 1)[-1].strip()
    return Neo4jGraphStore(uri=f"bolt://127.0.0.1:{port}", user="neo4j",
                           password=os.environ.get("SCAMTRACE_NEO4J_PASSWORD", "scamtrace-dev"))


BACKENDS: dict[str, Callable[[Path], GraphStore]] = {
    "embedded": embedded_store, "neo4j": neo4j_backend}
MARKS: dict[str, tuple] = {"neo4j": (pytest.mark.neo4j,)}


@pytest.fixture(params=[pytest.param(name, marks=MARKS.get(name, ())) for name in BACKENDS])
def graph_store(request, tmp_path):
    store = BACKENDS[request.param](tmp_path)
    store.clear()
    yield store
    store.close()


@pytest.fixture
def world(graph_store):
    graph_store.upsert(WORLD)
    return graph_store


@pytest.fixture(scope="module")
def neo4j_uri() -> str:
    return require_server()


@pytest.fixture
def neo4j_store(neo4j_uri):
    from graph.neo4j_store import Neo4jGraphStore

    store = Neo4jGraphStore(uri=neo4j_uri, user="neo4j", password=PASSWORD)
    store.clear()
    yield store
    store.close()


@pytest.fixture(scope="module")
def neo4j_module_store(neo4j_uri):
    from graph.neo4j_store import Neo4jGraphStore

    store = Neo4jGraphStore(uri=neo4j_uri, user="neo4j", password=PASSWORD)
    yield store
    store.close()
