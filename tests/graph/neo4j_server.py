"""Finding (and, for the restart test, running) a Neo4j server for the tests.

The server is the one ``scripts/neo4j`` runs for the cache folder in the
environment (``SCAMTRACE_NEO4J_HOME``, default ``~/.scamtrace/neo4j``).
Tests that need it skip when it is not running, unless
SCAMTRACE_REQUIRE_NEO4J=1, where they fail instead.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j"
PASSWORD = os.environ.get("SCAMTRACE_NEO4J_PASSWORD", "scamtrace-dev")


def script(*args: str, env: dict[str, str] | None = None, timeout: float = 300
           ) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=timeout, check=False, env=env)


def running_uri(env: dict[str, str] | None = None) -> str | None:
    """The Bolt URI ``scripts/neo4j status`` reports, or None when it is not running."""
    status = script("status", env=env, timeout=30)
    found = re.search(r"bolt://127\.0\.0\.1:\d+", status.stdout)
    return found.group(0) if status.returncode == 0 and found else None


def require_server() -> str:
    """The running server's URI; skip (or fail, when required) without one."""
    uri = running_uri()
    if uri is None:
        reason = "no Neo4j server running: start one with scripts/neo4j start"
        if os.environ.get("SCAMTRACE_REQUIRE_NEO4J") == "1":
            pytest.fail(f"{reason} (SCAMTRACE_REQUIRE_NEO4J=1)")
        pytest.skip(reason)
    return uri


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_lib_dir() -> Path:
    """The jar folder of the configured cache folder (filled by scripts/neo4j install)."""
    home = os.environ.get("SCAMTRACE_NEO4J_HOME") or str(
        Path(os.environ.get("SCAMTRACE_HOME", Path.home() / ".scamtrace")) / "neo4j")
    return Path(home) / "lib"
