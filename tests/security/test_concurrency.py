"""Two runs, and readers during a run, with real processes and real SQLite files."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from run_process import start_run, wait_for_lock

from graph.embedded import EmbeddedGraphStore
from ingest.store import DocumentStore

pytestmark = pytest.mark.slow

READERS = 8


def test_second_run_exits_at_once_while_one_is_running(tmp_path, scamtrace_env):
    home = tmp_path / "home"
    env = scamtrace_env(SCAMTRACE_NLP_N_PROCESS="1")
    first = start_run(home, env)
    try:
        assert wait_for_lock(home, first)
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "scamtrace.cli", "--home", str(home), "run"],
            capture_output=True, text=True, env=env, timeout=120,
        )
        waited = time.monotonic() - started
        still_running = first.poll() is None
    finally:
        out, err = first.communicate(timeout=600)
    assert second.returncode == 1
    assert f"another scamtrace run (pid {first.pid}) is in progress" in second.stderr
    assert "Traceback" not in second.stderr
    if still_running:  # it did not wait for the first run to finish
        assert waited < 60
    assert first.returncode == 0, err


def _reader(home, stop: threading.Event, failures: list, reads: list) -> None:
    """Dashboard queries and document search in a loop, checking each answer."""
    try:
        graph = EmbeddedGraphStore(home / "graph.sqlite")
        documents = DocumentStore(home / "documents.sqlite")
    except Exception as exc:  # noqa: BLE001 - any failure to open is what we look for
        failures.append(f"open: {type(exc).__name__}: {exc}")
        return
    last_in_graph = 0
    count = 0
    try:
        while not stop.is_set():
            counts = graph.counts()
            # The graph only grows during a run: a read never sees it shrink.
            assert counts["documents"] >= last_in_graph, (counts, last_in_graph)
            last_in_graph = counts["documents"]
            overview = graph.overview()
            assert overview is not None
            for node in graph.top_entities("LOCATION", limit=5):
                assert graph.entity(node.key) is not None, node.key
            for summary in graph.documents(limit=10):
                # Every document the graph shows is in the document store.
                assert documents.get(summary.id) is not None, summary.id
            for doc in documents.search("workers", limit=10):
                # duplicate_of may move (a copy published earlier arrives and
                # becomes the original); what was stored of the document may not.
                stored = documents.get(doc.id)
                assert stored is not None, doc.id
                assert (stored.url, stored.title, stored.text, stored.content_hash) == (
                    doc.url, doc.title, doc.text, doc.content_hash)
            count += 1
    except Exception as exc:  # noqa: BLE001 - reported by the test, with its type
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        reads.append(count)
        graph.close()
        documents.close()


def test_eight_readers_during_a_run_never_see_a_lock_or_a_torn_state(tmp_path, scamtrace_env):
    home = tmp_path / "home"
    home.mkdir()
    # Create the stores first so the readers have files to open from the start.
    DocumentStore(home / "documents.sqlite").close()
    EmbeddedGraphStore(home / "graph.sqlite").close()
    run = start_run(home, scamtrace_env(SCAMTRACE_NLP_N_PROCESS="1",
                                        SCAMTRACE_NLP_BATCH_SIZE="8"))
    stop = threading.Event()
    failures: list[str] = []
    reads: list[int] = []
    readers = [threading.Thread(target=_reader, args=(home, stop, failures, reads))
               for _ in range(READERS)]
    for reader in readers:
        reader.start()
    try:
        out, err = run.communicate(timeout=900)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
    assert run.returncode == 0, err
    assert failures == []
    assert len(reads) == READERS and all(n >= 1 for n in reads), reads
    with DocumentStore(home / "documents.sqlite") as documents:
        assert documents.counts()["total"] >= 40
