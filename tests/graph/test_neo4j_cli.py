"""`scamtrace build` and `scamtrace status` with SCAMTRACE_GRAPH_BACKEND=neo4j,
run as a user runs them (a subprocess), against the real server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j_server import PASSWORD, free_port, require_server

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def scamtrace(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scamtrace.cli", *args],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture
def neo4j_home(sample_home: Path, tmp_path: Path) -> Path:
    """The sample's document and extraction stores, without its embedded graph."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("documents.sqlite", "extractions.sqlite"):
        shutil.copy(sample_home / name, home / name)
    return home


def test_build_then_status_report_the_neo4j_graph(neo4j_home, sample_home, scamtrace_env):
    env = scamtrace_env(SCAMTRACE_GRAPH_BACKEND="neo4j", SCAMTRACE_NEO4J_URI=require_server(),
                        SCAMTRACE_NEO4J_PASSWORD=PASSWORD)
    built = scamtrace("--home", str(neo4j_home), "build", "--rebuild", env=env)
    assert built.returncode == 0, built.stderr
    status = json.loads(scamtrace("--home", str(neo4j_home), "status", "--json", env=env).stdout)
    reference = json.loads(scamtrace("--home", str(sample_home), "status", "--json",
                                     env=scamtrace_env()).stdout)
    assert (status["backend"], reference["backend"]) == ("neo4j", "embedded")
    assert status["documents"]["in_graph"] == reference["documents"]["in_graph"] > 0
    assert status["entities"] == reference["entities"]
    assert status["relations"] == reference["relations"]
    assert not (neo4j_home / "graph.sqlite").exists()


def test_unreachable_neo4j_is_a_one_line_error_without_the_password(neo4j_home, scamtrace_env):
    uri = f"bolt://127.0.0.1:{free_port()}"
    env = scamtrace_env(SCAMTRACE_GRAPH_BACKEND="neo4j", SCAMTRACE_NEO4J_URI=uri,
                        SCAMTRACE_NEO4J_PASSWORD="s3cret-Pa55word")
    result = scamtrace("--home", str(neo4j_home), "status", "--json", env=env)
    assert result.returncode != 0
    assert uri in result.stderr
    assert "s3cret-Pa55word" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_two_named_writers_build_one_shared_graph_each_sending_only_what_it_has_not(
        neo4j_home, sample_home, tmp_path, scamtrace_env):
    other_home = tmp_path / "other"
    shutil.copytree(neo4j_home, other_home)
    server = dict(SCAMTRACE_GRAPH_BACKEND="neo4j", SCAMTRACE_NEO4J_URI=require_server(),
                  SCAMTRACE_NEO4J_PASSWORD=PASSWORD)
    north = scamtrace_env(**server, SCAMTRACE_GRAPH_WRITER="north")
    south = scamtrace_env(**server, SCAMTRACE_GRAPH_WRITER="south")
    extractions = json.loads(scamtrace("--home", str(sample_home), "status", "--json",
                                       env=scamtrace_env()).stdout)

    first = scamtrace("--home", str(neo4j_home), "build", "--rebuild", env=north)
    assert first.returncode == 0, first.stderr
    # The other worker read the same articles: it sends them once, and they merge.
    second = scamtrace("--home", str(other_home), "build", env=south)
    assert second.returncode == 0, second.stderr
    assert " 0 extractions" not in second.stderr
    again = scamtrace("--home", str(neo4j_home), "build", env=north)
    assert again.returncode == 0, again.stderr
    assert "from 0 extractions" in again.stderr

    status = json.loads(scamtrace("--home", str(other_home), "status", "--json",
                                  env=south).stdout)
    assert status["documents"]["in_graph"] == extractions["documents"]["in_graph"] > 0
    assert status["entities"] == extractions["entities"]
    assert status["relations"] == extractions["relations"]
