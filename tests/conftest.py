"""Fixtures shared by every stage's tests.

``sample_home`` builds a complete data directory from the bundled sample
feeds (ingest -> extract -> build on the embedded store) once per test
session; tests that only read it share it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scamtrace import runner, stores
from scamtrace.config import Config, load_config


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any SCAMTRACE_* setting of the developer's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCAMTRACE_")}
    env.update(extra)
    return env


def build_home(home: Path, env: dict[str, str] | None = None) -> Config:
    """Run the whole pipeline into ``home`` with the default (sample) feeds."""
    config = load_config(home=home, env=env if env is not None else clean_env())
    with (
        stores.open_document_store(config) as documents,
        stores.open_extraction_store(config) as extractions,
    ):
        graph = stores.open_graph_store(config)
        try:
            runner.ingest_step(config, documents)
            runner.extract_step(config, documents, extractions)
            runner.build_step(documents, extractions, graph)
        finally:
            graph.close()
    return config


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the sample feeds, fully extracted and built."""
    home = tmp_path_factory.mktemp("sample_home")
    build_home(home)
    return home


@pytest.fixture(scope="session")
def sample_config(sample_home: Path) -> Config:
    return load_config(home=sample_home, env=clean_env())


def snapshot_home(home: Path) -> dict:
    """Everything a run leaves in a data directory, without sequence numbers
    or timestamps, so two runs can be compared for equality."""
    config = load_config(home=home, env=clean_env())
    with (
        stores.open_document_store(config) as documents,
        stores.open_extraction_store(config) as extractions,
    ):
        docs = sorted(
            (d.id, d.url, d.title, d.published, d.content_hash, d.duplicate_of or "")
            for _, d in documents.iter_documents()
        )
        extracted = sorted(
            (e.doc_id, e.relevant, tuple(sorted((m.label, m.name, m.start) for m in e.mentions)),
             tuple(sorted((r.type, r.source, r.target, r.sentence, r.mode) for r in e.relations)))
            for _, e in extractions.iter_extractions()
        )
    graph = stores.open_graph_store(config)
    try:
        counts = graph.counts()
        edges = sorted(
            (e.type, e.source, e.target, e.mode, e.weight,
             tuple(sorted((ev.doc_id, ev.sentence) for ev in e.evidence)))
            for e in graph.edges()
        )
    finally:
        graph.close()
    return {"documents": docs, "extractions": extracted, "graph_counts": counts, "edges": edges}


@pytest.fixture(scope="session")
def store_snapshot():
    """snapshot_home as a fixture, for tests in other folders."""
    return snapshot_home


@pytest.fixture(scope="session")
def sample_snapshot(sample_home: Path) -> dict:
    return snapshot_home(sample_home)


@pytest.fixture(scope="session")
def scamtrace_env():
    """Build an environment for running the scamtrace command in a subprocess."""
    return clean_env
