"""Fixtures for the hostile-input tests: the ingest tests' HTTP server on
127.0.0.1, reused rather than written twice."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# Helpers beside this file (run_process) are imported by the test modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))

_INGEST_TESTS = Path(__file__).resolve().parent.parent / "ingest"
_spec = importlib.util.spec_from_file_location(
    "scamtrace_ingest_test_server", _INGEST_TESTS / "conftest.py"
)
_server = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _server
_spec.loader.exec_module(_server)  # also puts tests/ingest on sys.path for ingest_builders

FeedServer = _server.FeedServer
feed_server = _server.feed_server  # the fixture, re-exported for this folder
closed_port = _server.closed_port
