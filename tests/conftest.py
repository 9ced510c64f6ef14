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
