"""The pipeline runner: ingest -> extract -> build, each step incremental.

Every step reads what the previous one stored and moves its own
high-water mark in the same transaction as its writes, so a run killed at
any moment is finished by simply running again.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.model import GraphStore
from graph.sync import sync_graph
from ingest.errors import LockedError, StoreError
from ingest.run import ingest_sources
from ingest.store import DocumentStore
from nlp.run import extract_pending
from nlp.store import ExtractionStore
from scamtrace.config import Config

if TYPE_CHECKING:  # spaCy loads only when extraction really runs
    from nlp.extract import Extractor

log = logging.getLogger(__name__)

STEPS = ("ingest", "extract", "build")

# progress(step, advance, total, description): the CLI draws bars from it.
Progress = Callable[..., None]


@contextmanager
def run_lock(config: Config) -> Iterator[None]:
    """Hold the data directory's run lock; fail at once if another run holds it."""
    try:
        config.home.mkdir(parents=True, exist_ok=True)
        fh = open(config.lock_path, "a+")  # noqa: SIM115 - held for the whole run
    except OSError as exc:
        raise StoreError(f"data directory {config.home}: cannot be used ({exc.strerror})") from exc
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            raise LockedError(
                f"data directory {config.home}: another scamtrace run (pid {holder}) is in "
                "progress; wait for it to finish or stop it"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()


@dataclass
class StepReports:
    ingest: Any = None
    extract: Any = None
    build: Any = None


def ingest_step(config: Config, documents: DocumentStore, progress: Progress | None = None):
    return ingest_sources(list(config.feeds), documents, config.fetch, progress=progress)


def extract_step(
    config: Config,
    documents: DocumentStore,
    extractions: ExtractionStore,
    extractor: Extractor | None = None,
    progress: Progress | None = None,
):
    if extractor is None:
        from nlp.extract import Extractor

        extractor = Extractor(config.nlp)
    if progress is not None:
        progress(0, total=documents.count_after(extractions.document_high_water_mark()))
    return extract_pending(
        documents, extractions, extractor, batch_size=config.nlp.batch_size, progress=progress
    )


def build_step(
    documents: DocumentStore,
    extractions: ExtractionStore,
    graph: GraphStore,
    rebuild: bool = False,
    progress: Progress | None = None,
    writer: str = "",
):
    return sync_graph(extractions, documents, graph, rebuild=rebuild, progress=progress,
                      writer=writer)


def watchlist_step(config: Config, documents: DocumentStore, extractions: ExtractionStore,
                   graph: GraphStore):
    """Record new watchlist matches up to what the graph holds (nothing when none is watched)."""
    from graph.watchlist import record_new_matches

    return record_new_matches(config.home, extractions, documents,
                              up_to_seq=graph.high_water_mark(config.graph.writer))
